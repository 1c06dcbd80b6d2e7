r"""The one YAML writer: every string reads back exactly, in each of crosswalk's styles.

PyYAML's plain, single-quoted and block styles turn some characters into others on
reading: the YAML line breaks ``\r``, NEL (U+0085), LS (U+2028) and PS (U+2029) are
folded or normalised. :class:`ExactDumper` writes strings holding any of them
double-quoted, where YAML escapes them; the styles below only add layout on top:

- :func:`dump_exact`: every multi-line string double-quoted too (the SSSOM metadata block);
- :func:`dump_canonical`: the data files' canonical form (block style, lists of scalars
  on one line, line feeds left to PyYAML, which keeps them);
- :func:`dump_mapping_file`: a mapping file as ``crosswalk import`` writes it (list items
  indented, long text folded, multi-line text as a literal block);
- :func:`dump_library`: large documents (CISO Assistant libraries) through the C emitter
  where PyYAML has it.

>>> import yaml
>>> text = "first\x85second"
>>> yaml.safe_load(dump_canonical({"note": text}))["note"] == text
True
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

__all__ = [
    "LOSSY_BREAKS",
    "ExactDumper",
    "dump_canonical",
    "dump_exact",
    "dump_library",
    "dump_mapping_file",
]

LOSSY_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
"""Characters that only the double-quoted style keeps."""

_FOLD_AT = 88


def _needs_quotes(data: str, *, line_feeds: bool) -> bool:
    return any(b in data for b in LOSSY_BREAKS) or (line_feeds and "\n" in data)


class ExactDumper(yaml.SafeDumper):
    """A safe dumper whose strings read back unchanged (line breaks included)."""

    quote_line_feeds: ClassVar[bool] = True
    """Whether a string with a plain line feed is double-quoted too."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        """Double quotes where another style would change the string on reading."""
        if _needs_quotes(data, line_feeds=self.quote_line_feeds):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


ExactDumper.add_representer(str, ExactDumper.represent_str)


class _CanonicalDumper(ExactDumper):
    """Block style, with lists of scalars kept on one line."""

    quote_line_feeds = False


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    scalars = all(isinstance(i, str | int | float) and not isinstance(i, bool) for i in data)
    flow = scalars and len(data) < 12
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_CanonicalDumper.add_representer(list, _represent_list)


class _MappingFileDumper(ExactDumper):
    """Indents list items under their key, as the bundled files do; folds long text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Never indentless: list items sit under their key."""
        super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        """A literal block for multi-line text, folded text when it is long."""
        if _needs_quotes(data, line_feeds=False):
            return super().represent_str(data)
        if "\n" in data:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        if len(data) > _FOLD_AT:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style=">")
        return yaml.SafeDumper.represent_str(self, data)


_MappingFileDumper.add_representer(str, _MappingFileDumper.represent_str)

_CEmitter: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # the C emitter is much faster


class _LibraryDumper(_CEmitter):  # type: ignore[misc]
    """:class:`ExactDumper`'s strings with PyYAML's C emitter, for large documents."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        """Double quotes where another style would change the string on reading."""
        if _needs_quotes(data, line_feeds=False):
            node: yaml.ScalarNode = self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
            return node
        return yaml.SafeDumper.represent_str(self, data)


_LibraryDumper.add_representer(str, _LibraryDumper.represent_str)


def dump_exact(document: object, *, width: int = 1000) -> str:
    """YAML text of ``document`` (keys in the given order, Unicode kept)."""
    return yaml.dump(document, Dumper=ExactDumper, sort_keys=False, allow_unicode=True, width=width)


def dump_canonical(document: object) -> str:
    """YAML text in the data files' canonical form (see :mod:`crosswalk.io.canonical`)."""
    return yaml.dump(
        document,
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
        indent=2,
    )


def dump_mapping_file(document: object) -> str:
    """YAML text of a mapping file as ``crosswalk import`` writes it."""
    return yaml.dump(
        document,
        Dumper=_MappingFileDumper,
        sort_keys=False,
        allow_unicode=True,
        width=82,
        default_flow_style=False,
    )


def dump_library(document: object) -> str:
    """YAML text of a large document (a CISO Assistant library), by the C emitter."""
    return yaml.dump(
        document, Dumper=_LibraryDumper, sort_keys=False, allow_unicode=True, width=100
    )
