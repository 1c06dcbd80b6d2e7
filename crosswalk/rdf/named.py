"""Named queries: the documented SPARQL files of ``ontologies/queries/``.

Each ``<name>.rq`` opens with a comment block that says what it answers and which
parameters (variables the caller binds) it takes:

.. code-block:: text

    # <title>
    #
    # <what it answers, one or more lines>
    #
    # Parameters:
    #   <name> (required|optional[, a clause|a framework]): <meaning, with an example>
    #   (or "# Parameters: none")
    #
    # Columns: <the columns it returns>

A parameter marked *a clause* takes a canonical id or any citation the resolver reads
("ISO 31000 6.4.2", "Art. 9(2)(a) AI Act"); *a framework* takes a framework prefix.
Both are checked against the knowledge base before the query runs.

>>> get_named_query("mappings-of-clause").parameters[0].kind
'clause'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from crosswalk.io.resources import ontologies_dir
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import QueryError
from crosswalk.model.ids import CLAUSE_ID_PATTERN

__all__ = [
    "NamedQuery",
    "QueryParameter",
    "get_named_query",
    "named_queries",
]

_KINDS = {"a clause": "clause", "a framework": "framework"}
_CLAUSE_ID = re.compile(rf"^{CLAUSE_ID_PATTERN}$")
_PARAMETER = re.compile(
    r"^\s+(?P<name>[A-Za-z_]\w*)\s+\((?P<need>required|optional)"
    r"(?:,\s*(?P<kind>a clause|a framework))?\):\s*(?P<text>.*)$"
)


@dataclass(frozen=True)
class QueryParameter:
    """A parameter of a named query: a variable the caller binds."""

    name: str
    required: bool
    description: str
    kind: str = "value"
    """``clause`` (a clause id or citation), ``framework`` (a prefix) or ``value``."""


@dataclass(frozen=True)
class NamedQuery:
    """A documented query from ``ontologies/queries/<name>.rq``."""

    name: str
    title: str
    description: str
    parameters: tuple[QueryParameter, ...]
    columns: tuple[str, ...]
    text: str
    path: Path

    def bindings(
        self, params: MappingABC[str, Any], *, kb: KnowledgeBase | None = None
    ) -> dict[str, Any]:
        """Check ``params`` against the declared parameters; raise QueryError naming what is wrong.

        With ``kb``, clause parameters are resolved to canonical ids (citations welcome)
        and framework parameters checked against the loaded frameworks.
        """
        known = {p.name for p in self.parameters}
        unknown = sorted(set(params) - known)
        if unknown:
            hint = f"; it takes {', '.join(sorted(known))}" if known else "; it takes no parameters"
            raise QueryError(
                f"named query {self.name!r} has no parameter {', '.join(map(repr, unknown))}{hint}"
            )
        missing = [p for p in self.parameters if p.required and params.get(p.name) is None]
        if missing:
            details = "; ".join(f"{p.name}: {p.description}" for p in missing)
            flags = " ".join(f"--param {p.name}=…" for p in missing)
            raise QueryError(
                f"named query {self.name!r} needs {', '.join(p.name for p in missing)} "
                f"({details}); give it with {flags}"
            )
        values = {name: value for name, value in params.items() if value is not None}
        if kb is not None:
            for parameter in self.parameters:
                if parameter.name in values:
                    values[parameter.name] = _checked(parameter, values[parameter.name], kb)
        return values


def _checked(parameter: QueryParameter, value: Any, kb: KnowledgeBase) -> Any:
    """A clause parameter as a canonical id, a framework parameter checked."""
    if not isinstance(value, str):
        return value
    if parameter.kind == "clause":
        found = kb.find_clause(value) if _CLAUSE_ID.match(value) else None
        return (found or kb.resolve(value)).id
    if parameter.kind == "framework":
        return kb.framework(value).prefix
    return value


def _parse_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line[1:].removeprefix(" "))
    if not header or not header[0].strip():
        raise QueryError(
            f"{path}: a named query opens with a comment block whose first line is its title"
        )
    description: list[str] = []
    parameters: list[QueryParameter] = []
    columns: tuple[str, ...] = ()
    section = "description"
    for line in header[1:]:
        stripped = line.strip()
        if stripped.startswith("Parameters:"):
            section = "parameters"
            if stripped.removeprefix("Parameters:").strip().lower() not in ("", "none"):
                raise QueryError(
                    f"{path}: write 'Parameters: none' or list them on the lines below"
                )
            continue
        if stripped.startswith("Columns:"):
            columns = tuple(
                c.strip() for c in stripped.removeprefix("Columns:").split(",") if c.strip()
            )
            section = "columns"
            continue
        if section == "description":
            description.append(stripped)
        elif section == "parameters" and stripped:
            parameters = _parameter_line(path, line, parameters)
    return NamedQuery(
        name=path.stem,
        title=header[0].strip(),
        description=" ".join(" ".join(description).split()),
        parameters=tuple(parameters),
        columns=columns,
        text=text,
        path=path,
    )


def _parameter_line(
    path: Path, line: str, parameters: list[QueryParameter]
) -> list[QueryParameter]:
    """The parameters after one more header line (a new parameter or a continuation)."""
    match = _PARAMETER.match(line)
    if match:
        kind = _KINDS.get(match["kind"] or "", "value")
        return [
            *parameters,
            QueryParameter(match["name"], match["need"] == "required", match["text"].strip(), kind),
        ]
    if parameters:
        last = parameters[-1]
        more = f"{last.description} {line.strip()}"
        return [*parameters[:-1], QueryParameter(last.name, last.required, more, last.kind)]
    raise QueryError(
        f"{path}: parameter line {line!r} is not "
        "'  name (required|optional[, a clause|a framework]): meaning'"
    )


@cache
def _named_queries(directory: Path) -> dict[str, NamedQuery]:
    return {path.stem: _parse_named_query(path) for path in sorted(directory.glob("*.rq"))}


def named_queries() -> dict[str, NamedQuery]:
    """The bundled named queries by name (``ontologies/queries/*.rq``)."""
    return dict(_named_queries(ontologies_dir() / "queries"))


def get_named_query(name: str) -> NamedQuery:
    """Get a named query; raise QueryError naming the known ones (and the closest) if there is none."""
    queries = named_queries()
    try:
        return queries[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(queries), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise QueryError(
            f"no named query {name!r}{hint}; known: {', '.join(queries)} (crosswalk queries "
            "lists them with their parameters)"
        ) from None
