"""Reading and writing the formats other tools use: one registry of every format.

>>> import crosswalk, tempfile, pathlib
>>> from crosswalk.interop import FORMATS, export, import_
>>> sorted(FORMATS)
['ciso', 'csv', 'jsonld', 'oscal', 'sssom', 'ttl', 'xlsx', 'yaml']
>>> kb = crosswalk.load()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.sssom.tsv"
>>> _ = export(kb, "sssom", path, subject="iso23894", object="iso31000")
>>> import_(path, kb=kb).id
'iso23894-iso31000'

Every writer is called as ``writer(kb, path, subject=None, object=None, **options)``:
``subject``/``object`` (framework prefixes) select the mapping sets of that pair (either
may be left out; nothing selects every set). Every reader is called as
``reader(path, kb=kb)`` and returns one :class:`~crosswalk.model.records.MappingSet`, checked
against ``kb``. Turtle and JSON-LD are written by :mod:`crosswalk.rdf.write` (imported only
when used). The encodings are documented in each module: :mod:`.sssom`, :mod:`.oscal`,
:mod:`.ciso`, :mod:`.matrix`, :mod:`.flat_table`, :mod:`.mapping_file`, and the shared
relation table in :mod:`.vocabulary`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.interop.ciso import (
    write_ciso_framework,
    write_ciso_libraries,
    write_ciso_mapping,
)
from crosswalk.interop.flat_table import read_mapping_csv, write_mapping_csv
from crosswalk.interop.mapping_file import read_mapping_yaml, write_mapping_yaml
from crosswalk.interop.matrix import read_crosswalk_matrix, write_crosswalk_matrix
from crosswalk.interop.oscal import read_oscal, write_oscal, write_oscal_catalog
from crosswalk.interop.sssom import read_sssom, read_sssom_sets, write_sssom
from crosswalk.model.errors import DataError, ExportError, Problem
from crosswalk.model.records import MappingSet

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "FORMATS",
    "Format",
    "export",
    "find_format",
    "import_",
    "import_sets",
    "read_crosswalk_matrix",
    "read_mapping_csv",
    "read_mapping_yaml",
    "read_oscal",
    "read_sssom",
    "read_sssom_sets",
    "select_mapping_sets",
    "write_ciso_framework",
    "write_ciso_libraries",
    "write_ciso_mapping",
    "write_crosswalk_matrix",
    "write_mapping_csv",
    "write_mapping_yaml",
    "write_oscal",
    "write_oscal_catalog",
    "write_sssom",
]

PathLike = str | os.PathLike[str]
Writer = Callable[..., Any]
Reader = Callable[..., MappingSet]


@dataclass(frozen=True)
class Format:
    """A file format crosswalk exchanges: how to write it and (if possible) read it."""

    name: str
    extensions: tuple[str, ...]
    description: str
    writer: Writer
    reader: Reader | None


def select_mapping_sets(
    kb: KnowledgeBase, subject: str | None = None, object: str | None = None
) -> list[MappingSet]:
    """The mapping sets from ``subject`` to ``object`` (prefixes; None matches any)."""
    for prefix in (subject, object):
        if prefix is not None:
            kb.framework(prefix)  # UnknownFrameworkError names the known ones
    return [
        s
        for s in kb.mapping_sets
        if subject in (None, s.subject_framework) and object in (None, s.object_framework)
    ]


def _sets(kb: KnowledgeBase, subject: str | None, object: str | None) -> list[MappingSet]:
    sets = select_mapping_sets(kb, subject, object)
    if not sets:
        raise ExportError(
            f"no mapping set from {subject or 'any framework'} to {object or 'any framework'}"
        )
    return sets


def _one_or_all(sets: list[MappingSet]) -> MappingSet | list[MappingSet]:
    return sets[0] if len(sets) == 1 else sets


def _write_sssom(
    kb: KnowledgeBase, path: PathLike, subject: str | None = None, object: str | None = None
) -> Path:
    return write_sssom(_one_or_all(_sets(kb, subject, object)), path, kb=kb)


def _write_oscal(
    kb: KnowledgeBase, path: PathLike, subject: str | None = None, object: str | None = None
) -> list[Path]:
    return write_oscal(_one_or_all(_sets(kb, subject, object)), path, kb=kb)


def _write_ciso(
    kb: KnowledgeBase, path: PathLike, subject: str | None = None, object: str | None = None
) -> Any:
    if subject is None and object is None:
        return write_ciso_libraries(kb, path)
    if subject is None:
        raise ExportError("a CISO Assistant export with --object needs --subject too")
    if object is None:
        return write_ciso_framework(kb, subject, path)
    sets = _sets(kb, subject, object)
    if len(sets) == 1:
        return write_ciso_mapping(kb, sets[0], path)
    return write_ciso_libraries(kb, path, prefixes=(), mapping_sets=sets)


def _write_xlsx(
    kb: KnowledgeBase,
    path: PathLike,
    subject: str | None = None,
    object: str | None = None,
    *,
    inferred: bool = True,
) -> Path:
    if subject is None or object is None:
        raise ExportError(
            "a crosswalk matrix needs both --subject and --object (framework prefixes)"
        )
    kb.framework(subject)
    kb.framework(object)
    return write_crosswalk_matrix(kb, subject, object, path, inferred=inferred)


def _write_csv(
    kb: KnowledgeBase,
    path: PathLike,
    subject: str | None = None,
    object: str | None = None,
    raw: bool = False,
) -> Path:
    return write_mapping_csv(_sets(kb, subject, object), path, raw=raw)


def _write_yaml(
    kb: KnowledgeBase, path: PathLike, subject: str | None = None, object: str | None = None
) -> Path:
    sets = _sets(kb, subject, object)
    if len(sets) != 1:
        raise ExportError(
            f"a mapping file holds one set; {len(sets)} match (give --subject and --object)"
        )
    return write_mapping_yaml(sets[0], path)


def _rdf_writer(rdf_format: str) -> Writer:
    def write(
        kb: KnowledgeBase, path: PathLike, subject: str | None = None, object: str | None = None
    ) -> Any:
        if subject is not None or object is not None:
            raise ExportError(
                f"{rdf_format} exports the whole knowledge base; --subject/--object do not apply"
            )
        from crosswalk.rdf.write import write_rdf  # rdflib is heavy: import on use

        return write_rdf(kb, path, format=rdf_format)

    return write


def _read_matrix(path: PathLike, *, kb: KnowledgeBase) -> MappingSet:
    return read_crosswalk_matrix(path, kb=kb)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "sssom",
            (".sssom.tsv", ".tsv"),
            "SSSOM/TSV mapping set (SSSOM 1.1)",
            _write_sssom,
            read_sssom,
        ),
        Format(
            "oscal",
            (".json",),
            "OSCAL 1.2 mapping collection, with OSCAL catalogs of the frameworks",
            _write_oscal,
            read_oscal,
        ),
        Format(
            "ciso",
            (".yaml",),
            "CISO Assistant library: framework (--subject) or mapping set (--subject --object)",
            _write_ciso,
            None,
        ),
        Format(
            "xlsx",
            (".xlsx",),
            "crosswalk matrix for review in Excel (read back as a mapping set)",
            _write_xlsx,
            _read_matrix,
        ),
        Format(
            "csv",
            (".csv",),
            "every mapping field as one flat CSV table",
            _write_csv,
            read_mapping_csv,
        ),
        Format(
            "yaml",
            (".yaml", ".yml"),
            "crosswalk mapping file (mappings/README.md §2)",
            _write_yaml,
            read_mapping_yaml,
        ),
        Format(
            "ttl",
            (".ttl",),
            "RDF Turtle of the whole knowledge base (crosswalk.rdf)",
            _rdf_writer("turtle"),
            None,
        ),
        Format(
            "jsonld",
            (".jsonld",),
            "RDF JSON-LD of the whole knowledge base (crosswalk.rdf)",
            _rdf_writer("json-ld"),
            None,
        ),
    )
}
"""Every format crosswalk reads or writes, by name."""


def find_format(path: PathLike, fmt: str | None = None, *, readable: bool = False) -> Format:
    """The format named ``fmt``, or the one ``path``'s extension implies (readers first)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise DataError(
                [
                    Problem(
                        str(path),
                        "",
                        "known-format",
                        f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}",
                    )
                ]
            )
        found = FORMATS[fmt]
    else:
        name = Path(path).name.lower()
        candidates = [f for f in FORMATS.values() if any(name.endswith(e) for e in f.extensions)]
        candidates.sort(
            key=lambda f: (f.reader is None, -max(len(e) for e in f.extensions if name.endswith(e)))
        )
        if not candidates:
            known = ", ".join(sorted({e for f in FORMATS.values() for e in f.extensions}))
            raise DataError(
                [
                    Problem(
                        str(path),
                        "",
                        "known-format",
                        f"cannot tell the format from the extension (known: {known}); name it",
                    )
                ]
            )
        found = candidates[0]
    if readable and found.reader is None:
        readers = ", ".join(sorted(n for n, f in FORMATS.items() if f.reader))
        raise DataError(
            [
                Problem(
                    str(path),
                    "",
                    "readable-format",
                    f"crosswalk writes {found.name} but does not read it; it reads {readers}",
                )
            ]
        )
    return found


def export(kb: KnowledgeBase, fmt: str, path: PathLike, **options: Any) -> list[Path]:
    """Write ``kb`` (or the sets chosen by ``subject=``/``object=``) as format ``fmt``.

    Returns every path written (a format may write several files, e.g. OSCAL catalogs).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    written = FORMATS[fmt].writer(kb, path, **options)
    if written is None:
        return [Path(path)]
    if isinstance(written, (str, os.PathLike)):
        return [Path(written)]
    return [Path(p) for p in written]


def import_sets(path: PathLike, fmt: str | None = None, *, kb: KnowledgeBase) -> list[MappingSet]:
    """Read every mapping set of ``path`` (several from an SSSOM file of many sets).

    ``crosswalk export --format sssom`` writes all sets into one file; other formats
    hold one set.

    Checked against ``kb`` as :func:`import_` does.
    """
    if find_format(path, fmt, readable=True).name == "sssom":
        return read_sssom_sets(path, kb=kb)
    return [import_(path, fmt, kb=kb)]


def import_(path: PathLike, fmt: str | None = None, *, kb: KnowledgeBase) -> MappingSet:
    """Read a mapping set from ``path`` (format from ``fmt`` or the extension).

    It is checked against ``kb``; problems are raised together as a
    :class:`~crosswalk.model.errors.DataError`.
    """
    reader = find_format(path, fmt, readable=True).reader
    assert reader is not None
    return reader(path, kb=kb)
