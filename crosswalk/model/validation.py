"""Records read from someone else's data, checked and converted by pydantic.

The records of :mod:`crosswalk.model.records` are plain dataclasses; an importer that
builds them from a format crosswalk does not control (an SSSOM table, an OSCAL mapping
collection, a CSV row, an RDF graph) passes the values through :func:`validated`, which
lets pydantic check every field against the record's annotations (closed vocabularies,
dates, numbers, nested records, no unknown keys, whitespace stripped) before the record's
own checks run. A wrong value raises :class:`pydantic.ValidationError`; :func:`failures`
names the field of each failure, a record's own check included, so that importers can
report problems naming the file, the row and the field.
"""

from __future__ import annotations

import collections.abc
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from crosswalk.model.records import RecordError

__all__ = ["failures", "validated"]

R = TypeVar("R")


def validated(cls: type[R], data: collections.abc.Mapping[str, Any]) -> R:
    """A ``cls`` record from ``data``, every field checked (ValidationError if wrong)."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:  # building one costs milliseconds: once per record class
        # Pydantic before 2.10 resolves the records' annotations ("Mapping", "Source")
        # in this module's namespace first: it must define no name a record field uses.
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    record: R = adapter.validate_python(data)
    return record


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def failures(error: ValidationError) -> collections.abc.Iterator[tuple[str, str, str]]:
    """Each failure: the field's dotted path, pydantic's error type and the message.

    A record's own check (a :class:`~crosswalk.model.records.RecordError`) is named by
    the field it names, as pydantic names the fields it checks itself.
    """
    for detail in error.errors():
        path = [str(part) for part in detail["loc"]]
        cause = detail.get("ctx", {}).get("error")
        if isinstance(cause, RecordError):
            path.append(cause.field)
            message = str(cause)
        else:
            message = detail["msg"]
        yield ".".join(path), detail["type"], message
