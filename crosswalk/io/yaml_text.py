"""A YAML dumper that writes every string so that it reads back exactly.

PyYAML's block and plain styles turn some characters into other ones on reading: the
YAML line breaks ``\\r``, NEL (U+0085), LS (U+2028) and PS (U+2029) are folded or
normalised. Strings holding any of them are written double-quoted, where YAML escapes
them. Used by the SSSOM metadata block and the mapping files.
"""

from __future__ import annotations

import yaml

__all__ = ["LOSSY_BREAKS", "ExactDumper", "dump_exact"]

LOSSY_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
"""Characters that only the double-quoted style keeps."""


class ExactDumper(yaml.SafeDumper):
    """A safe dumper whose strings read back unchanged (line breaks included)."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if "\n" in data or any(b in data for b in LOSSY_BREAKS):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


ExactDumper.add_representer(str, ExactDumper.represent_str)


def dump_exact(document: object, *, width: int = 1000) -> str:
    """YAML text of ``document`` (keys in the given order, Unicode kept)."""
    return yaml.dump(document, Dumper=ExactDumper, sort_keys=False, allow_unicode=True, width=width)
