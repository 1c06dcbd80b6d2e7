"""The errors crosswalk raises: one base class, subclasses mixed with built-ins.

Every message says what went wrong, where (file, sheet, row, column or id) and which
rule was broken. Errors that collect several problems keep them in ``problems`` so that
a caller (or the CLI) can list every one of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CitationError",
    "ContradictionError",
    "CrosswalkError",
    "DataError",
    "EndpointError",
    "ExportError",
    "InventoryError",
    "Problem",
    "QueryError",
    "UnknownClauseError",
    "UnknownFrameworkError",
    "first_line",
]


def first_line(error: BaseException) -> str:
    r"""The first line of another library's error message (its type's name when empty).

    Parsers (PyYAML, rdflib, Oxigraph) put context on later lines that repeats what our
    own message says (file, position), so a problem shows their first line only.

    >>> first_line(ValueError("bad token\n  in line 3")), first_line(KeyError())
    ('bad token', 'KeyError')
    """
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class CrosswalkError(Exception):
    """Base class of every error raised on purpose by crosswalk."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input, located as precisely as the format allows."""

    file: str
    location: str
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        place = f"{self.file}: {self.location}" if self.location else self.file
        return f"{place}: [{self.rule}] {self.message}"


class _ProblemsError(CrosswalkError):
    """An error that carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem] | Iterable[Problem], *, title: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = title or f"{len(errors)} problem(s) found"
        lines = [head] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class DataError(_ProblemsError, ValueError):
    """Catalogue, mapping or other data files break the grammar or the rules."""


class InventoryError(_ProblemsError, ValueError):
    """An organisation's inventory (xlsx, csv, yaml) could not be read as a whole."""


class ContradictionError(_ProblemsError, ValueError):
    """Mappings that cannot all be true: inference leaves a pair with no relation."""


class UnknownClauseError(KeyError, CrosswalkError):
    """A clause id that the knowledge base does not hold; names the closest valid ids."""

    def __init__(self, clause_id: str, suggestions: Sequence[str] = ()) -> None:
        self.clause_id = clause_id
        self.suggestions = tuple(suggestions)
        hint = f"; closest: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"unknown clause id {clause_id!r}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class UnknownFrameworkError(KeyError, CrosswalkError):
    """A framework prefix that the knowledge base does not hold."""

    def __init__(self, prefix: str, known: Sequence[str] = ()) -> None:
        self.prefix = prefix
        hint = f"; known: {', '.join(known)}" if known else ""
        super().__init__(f"unknown framework {prefix!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class CitationError(ValueError, CrosswalkError):
    """Citation text that does not resolve to a clause; names the closest valid ids.

    ``names_framework`` is False when the text names no loaded framework at all (ISO/IEC
    27001, an internal policy): an inventory may keep such a citation as unresolved.
    """

    def __init__(
        self,
        text: str,
        reason: str,
        suggestions: Sequence[str] = (),
        *,
        names_framework: bool = True,
    ) -> None:
        self.text = text
        self.reason = reason
        self.suggestions = tuple(suggestions)
        self.names_framework = names_framework
        hint = f"; closest: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"cannot resolve citation {text!r}: {reason}{hint}")


class ExportError(OSError, CrosswalkError):
    """An output could not be written; any previous file at the path is left untouched."""


class EndpointError(ConnectionError, CrosswalkError):
    """A SPARQL endpoint could not be reached, timed out, or refused the request."""


class QueryError(ValueError, CrosswalkError):
    """A SPARQL query is malformed, unknown by name, or missing a parameter."""
