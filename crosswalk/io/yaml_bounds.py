"""YAML read within bounds: duplicate keys, alias bombs, deep nesting and long lists found first.

PyYAML silently keeps the last of two equal keys (a second ``controls:`` replaces the
list a reviewer saw) and shares aliased nodes, so a few hundred bytes of anchors become
hundreds of millions of values the moment anything walks them. :func:`yaml_problems`
reads the parser's event stream once — no document is built, nothing recurses — and
reports each of these before the document is loaded; :func:`load_bounded` then loads
it with PyYAML's safe loader.

TODO(hardening): the ``hardening`` branch adds the project's bounded YAML loader; once it
is merged, inventories and profiles should read through it and this module should go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from crosswalk.model.errors import InventoryError, Problem

__all__ = ["YAML_LIMITS", "load_bounded", "yaml_problems"]

YAML_LIMITS = {
    "depth": 64,
    "values": 5_000_000,
}
"""Nesting depth, and values once every alias is expanded (an alias bomb has millions)."""

try:  # the C parser is several times faster; the pure-Python one gives the same events
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


@dataclass
class _Node:
    """An open mapping or sequence while the events are read."""

    mapping: bool
    anchor: str | None
    size: int = 1
    keys: dict[str, int] = field(default_factory=dict)
    expecting_key: bool = True
    key: str | None = None
    items: int = 0
    counted: str | None = None  # the top-level key whose items are counted
    is_key: bool = False  # a complex key (a collection used as a mapping key)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


class _Stop(Exception):
    """Reading stops: a bound was passed (the problem is already recorded)."""


class _Reader:
    """One pass over the events, recording problems; stops at the first bound passed."""

    def __init__(self, file: str, counted: dict[str, int]) -> None:
        self.file = file
        self.counted = counted
        self.problems: list[Problem] = []
        self.stack: list[_Node] = []
        self.anchors: dict[str, int] = {}

    def stop(self, event: Any, rule: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {_line(event)}", rule, message))
        raise _Stop

    def read(self, text: str) -> None:
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        event: Any
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                is_key = self.key_expected()
                if is_key:
                    self.see_key(event.value, event)
                self.finish(1, event.anchor, event, is_key=is_key)
            elif kind is mapping_start or kind is sequence_start:
                self.open(event)
            elif kind in ends:
                node = self.stack.pop()
                self.finish(node.size, node.anchor, event, is_key=node.is_key)
            elif kind is yaml.AliasEvent:
                size = self.anchors.get(event.anchor or "", 1)
                self.finish(size, None, event, is_key=self.key_expected())

    def key_expected(self) -> bool:
        return bool(self.stack) and self.stack[-1].mapping and self.stack[-1].expecting_key

    def open(self, event: Any) -> None:
        counted = None
        if len(self.stack) == 1 and self.stack[0].mapping and not self.stack[0].expecting_key:
            key = self.stack[0].key
            counted = key if key in self.counted else None
        if len(self.stack) >= YAML_LIMITS["depth"]:
            self.stop(event, "yaml-depth", f"nesting is deeper than {YAML_LIMITS['depth']} levels")
        mapping = isinstance(event, yaml.MappingStartEvent)
        is_key = self.key_expected()
        self.stack.append(_Node(mapping, event.anchor, counted=counted, is_key=is_key))

    def see_key(self, key: str, event: Any) -> None:
        node = self.stack[-1]
        first = node.keys.get(key)
        line = _line(event)
        if first is not None:
            self.problems.append(
                Problem(
                    self.file,
                    f"line {line}",
                    "duplicate-key",
                    f"the key {key!r} appears twice in one mapping (lines {first} and {line}); "
                    "YAML would silently keep only the last",
                )
            )
        else:
            node.keys[key] = line
        node.key = key

    def finish(self, size: int, anchor: str | None, event: Any, *, is_key: bool) -> None:
        """A value is complete: count it into its parent, remember its anchor."""
        if anchor:
            self.anchors[anchor] = size
        if not self.stack:
            return
        parent = self.stack[-1]
        parent.size += size
        if parent.size > YAML_LIMITS["values"]:
            self.stop(
                event,
                "yaml-aliases",
                f"the document expands to more than {YAML_LIMITS['values']:,} values "
                "(aliases that repeat aliases: an alias bomb)",
            )
        if parent.mapping:
            parent.expecting_key = not is_key
            return
        parent.items += 1
        limit = self.counted.get(parent.counted or "")
        if limit is not None and parent.items > limit:
            self.stop(
                event,
                "rows",
                f"`{parent.counted}:` holds more than {limit:,} items (the limit is {limit:,})",
            )


def yaml_problems(text: str, file: str, *, counted: dict[str, int] | None = None) -> list[Problem]:
    """Every duplicate key, and the first bound passed, in one YAML document.

    ``counted`` maps top-level keys to the most items their list may hold
    (``{"controls": 100_000}``). Syntax errors are left to the loader.
    """
    reader = _Reader(file, counted or {})
    try:
        reader.read(text)
    except _Stop:
        pass
    except yaml.YAMLError:
        pass  # the loader reports it, with its line
    return reader.problems


def load_bounded(text: str, file: str, *, counted: dict[str, int] | None = None) -> Any:
    """Load one YAML document after :func:`yaml_problems`; InventoryError lists what it found."""
    problems = yaml_problems(text, file, counted=counted)
    if problems:
        raise InventoryError(problems)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise InventoryError(
            [Problem(file, where, "yaml-syntax", str(error).splitlines()[0])]
        ) from None
    except RecursionError:
        raise InventoryError([Problem(file, "", "yaml-syntax", "nesting is too deep")]) from None
