"""Records rebuilt from their own JSON dump without validating them again.

The compiled cache (:mod:`crosswalk.io.cache`) holds records that the model validated when
the cache was written, under a key that hashes crosswalk's source and every data file, in
a private directory, with a digest of the content checked on reading. Validating them again
on every load would cost more than everything else a warm ``crosswalk.load()`` does
(building the validators alone takes about 50 ms, since the models defer it until first
used). :func:`builder` instead turns a record's JSON dump (``model_dump(mode="json")``) back
into the same record: nested records, tuples, dates and floats restored from the field
annotations, defaults filled in, in field order, so that the record compares, hashes and
dumps exactly as the validated one does.

It checks the shape only (every required field present, no unknown field, nested records
as objects): a payload that is not a knowledge base's records fails with ``ValueError``,
``TypeError``, ``KeyError`` or ``AttributeError``, which the cache reader treats as a miss.
It never runs code from the data and is meant for nothing but our own dumps.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["builder"]

M = TypeVar("M", bound=BaseModel)
Convert = Callable[[Any], Any]

_new = object.__new__
_set = object.__setattr__  # what pydantic's own model_construct uses on frozen models


@cache
def builder(cls: type[M]) -> Callable[[Mapping[str, Any]], M]:
    """A function that rebuilds a ``cls`` record from its JSON dump, unvalidated.

    Raises TypeError for a model this cannot rebuild faithfully (a field type it does not
    know, a union of several types, a post-init hook, private attributes or extra fields).
    """
    if cls.__pydantic_post_init__ is not None or cls.__private_attributes__:
        raise TypeError(f"{cls.__name__}: post-init hooks and private attributes are not rebuilt")
    if cls.model_config.get("extra") != "forbid":
        raise TypeError(f"{cls.__name__}: only models that forbid extra fields are rebuilt")
    fields = cls.model_fields
    converts = tuple(
        (name, convert)
        for name, info in fields.items()
        if (convert := _converter(info.annotation)) is not None
    )
    for info in fields.values():
        if info.default_factory is not None:
            raise TypeError(f"{cls.__name__}: default factories are not rebuilt")
    template = {name: None if info.is_required() else info.default for name, info in fields.items()}
    required = frozenset(name for name, info in fields.items() if info.is_required())
    names = fields.keys()

    def build(data: Mapping[str, Any]) -> M:
        keys = data.keys()
        if not required <= keys <= names:
            wrong = sorted((required - keys) | (keys - names))
            raise ValueError(f"not a {cls.__name__} record (missing or unknown: {wrong})")
        values = template.copy()  # field order, as validation gives it (dumps depend on it)
        values.update(data)
        for name, convert in converts:
            if name in data:
                values[name] = convert(values[name])
        record = _new(cls)
        _set(record, "__dict__", values)
        _set(record, "__pydantic_fields_set__", set(keys))
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
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
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return builder(annotation)
    raise TypeError(f"{annotation}: no rule to rebuild this field type")


def _optional(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def _tuple_of(convert: Convert) -> Convert:
    return lambda value: tuple(map(convert, value))
