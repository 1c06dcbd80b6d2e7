"""Records rebuilt from their own JSON dump without checking them again.

The compiled cache (:mod:`crosswalk.io.cache`) holds records that were checked when the
cache was written, under a key that hashes crosswalk's source and every data file, in a
private directory, with a digest of the content checked on reading. :func:`builder` turns
a record's JSON dump (:func:`~crosswalk.model.records.to_dict` with ``json=True``) back
into the same record: nested records, tuples, dates and floats restored from the field
annotations, defaults filled in, so that the record compares, hashes and dumps exactly as
the one that was written. It neither imports pydantic nor runs the records' own checks.

It checks the shape only (every required field present, no unknown field, nested records
as objects): a payload that is not a knowledge base's records fails with ``ValueError``,
``TypeError``, ``KeyError`` or ``AttributeError``, which the cache reader treats as a miss.
It never runs code from the data and is meant for nothing but our own dumps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

__all__ = ["builder"]

R = TypeVar("R")
Convert = Callable[[Any], Any]

_new = object.__new__
_set = object.__setattr__  # how a frozen dataclass's own __init__ sets its fields


@cache
def builder(cls: type[R]) -> Callable[[Mapping[str, Any]], R]:
    """A function that rebuilds a ``cls`` record from its JSON dump, unchecked.

    Raises TypeError for a class this cannot rebuild faithfully (not a dataclass, a field
    type it does not know, a union of several types, a default factory).
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__}: only dataclass records are rebuilt")
    hints = typing.get_type_hints(cls)  # the annotations are strings: resolve them
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: default factories are not rebuilt")
    converts = {
        f.name: convert for f in fields if (convert := _converter(hints[f.name])) is not None
    }
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    required = frozenset(f.name for f in fields) - defaults.keys()
    names = frozenset(f.name for f in fields)

    def build(data: Mapping[str, Any]) -> R:
        keys = data.keys()
        if not required <= keys <= names:
            wrong = sorted((required - keys) | (keys - names))
            raise ValueError(f"not a {cls.__name__} record (missing or unknown: {wrong})")
        record = _new(cls)
        for name, default in defaults.items():
            if name not in data:
                _set(record, name, default)
        for name, value in data.items():
            convert = converts.get(name)
            _set(record, name, value if convert is None else convert(value))
        return record

    return build


def _converter(annotation: Any) -> Convert | None:
    """How a JSON value becomes a field's value (None: it is already the value)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"{annotation}: only optional fields of one type are rebuilt")
        inner = _converter(members[0])
        return None if inner is None else _optional(inner)
    if origin is tuple:
        arguments = typing.get_args(annotation)
        if len(arguments) != 2 or arguments[1] is not Ellipsis:
            raise TypeError(f"{annotation}: only variable-length tuples are rebuilt")
        inner = _converter(arguments[0])
        return tuple if inner is None else _tuple_of(inner)
    if origin is typing.Literal or annotation in (str, int, bool):
        return None
    if annotation is float:
        return float
    if annotation is dt.date:
        return dt.date.fromisoformat
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return builder(annotation)
    raise TypeError(f"{annotation}: no rule to rebuild this field type")


def _optional(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def _tuple_of(convert: Convert) -> Convert:
    return lambda value: tuple(map(convert, value))
