r"""The one safe YAML reader: no duplicate keys, no alias bombs, no unbounded nesting.

PyYAML's ``safe_load`` lets a second ``controls:`` key silently replace the first, expands
a few hundred bytes of aliases into gigabytes, and recurses once per nesting level.
:func:`load_yaml` composes the document first (C parser where PyYAML has it: aliases
stay shared, nothing is expanded), checks the node graph without recursion, and only
then builds the Python objects (the plain strings, lists and mappings of a document
without aliases directly, everything else through PyYAML's safe constructor):

- a mapping that names the same key twice is refused, naming the key and both lines;
- the document with its aliases expanded may hold at most ``yaml_nodes`` nodes;
- nesting deeper than ``nesting_depth`` levels is refused.

>>> load_yaml("a: 1\nb: [x, y]\n", "example.yaml")
{'a': 1, 'b': ['x', 'y']}
>>> load_yaml("a: 1\na: 2\n", "example.yaml")
Traceback (most recent call last):
...
crosswalk.model.errors.DataError: 1 problem(s) found
  - example.yaml: line 2: [duplicate-key] the key 'a' appears twice in one mapping (first on line 1)
"""

from __future__ import annotations

import contextlib
from typing import Any

import yaml

from crosswalk.io.collector import collector_paused
from crosswalk.io.limits import limit
from crosswalk.model.errors import DataError, Problem, first_line

__all__ = ["load_yaml", "top_level_items"]

_Base: Any = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # the C parser composes without recursion


class _Loader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader; the checks run between composing and constructing."""


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def _duplicates(node: yaml.MappingNode, file: str) -> list[Problem]:
    seen: dict[tuple[str, str], yaml.Node] = {}
    problems = []
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        first = seen.setdefault((key.tag, key.value), key)
        if first is not key:
            problems.append(
                Problem(
                    file,
                    _line(key),
                    "duplicate-key",
                    f"the key {key.value[:80]!r} appears twice in one mapping (first on {_line(first)})",
                )
            )
    return problems


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_nodes(root: yaml.Node, file: str) -> list[Problem]:
    """Duplicate keys, nesting depth and expanded size of a composed document.

    Iterative (no recursion) and linear in the composed graph. A document without aliases
    is a tree, checked in one pass whose node count is its size; at the first node met a
    second time (an alias) the check starts again on the graph, where a shared node is
    visited once and its expanded size counted once (post-order, with a memo).
    """
    problems = _check_tree(root, file)
    return _check_graph(root, file) if problems is None else problems


def _check_tree(root: yaml.Node, file: str) -> list[Problem] | None:
    """:func:`check_nodes` for a tree; None as soon as a node turns out to be shared."""
    depth_limit, size_limit = limit("nesting_depth"), limit("yaml_nodes")
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        key = id(node)
        if key in seen:
            return None
        seen.add(key)
        if level > depth_limit:
            return [
                Problem(file, _line(node), "nesting", f"nested deeper than {depth_limit} levels")
            ]
        if isinstance(node, yaml.MappingNode):
            problems.extend(_duplicates(node, file))
            stack.extend((part, level + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, level + 1) for child in node.value)
    if len(seen) > size_limit:
        problems.append(_too_large(file, size_limit))
    return problems


def _too_large(file: str, size_limit: int) -> Problem:
    return Problem(
        file,
        "",
        "yaml-size",
        f"with its aliases expanded the document has more than {size_limit:,} nodes "
        "(an alias bomb?)",
    )


def _check_graph(root: yaml.Node, file: str) -> list[Problem]:
    """:func:`check_nodes` for a document whose aliases share nodes."""
    depth_limit, size_limit = limit("nesting_depth"), limit("yaml_nodes")
    problems: list[Problem] = []
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, level, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            total = 1 + sum(size[id(child)] for child in _children(node))
            size[key] = min(total, size_limit + 1)
            continue
        if key in size:
            continue
        if key in open_nodes:
            return [Problem(file, _line(node), "yaml-alias", "an alias refers to itself (a cycle)")]
        if level > depth_limit:
            return [
                Problem(file, _line(node), "nesting", f"nested deeper than {depth_limit} levels")
            ]
        open_nodes.add(key)
        if isinstance(node, yaml.MappingNode):
            problems.extend(_duplicates(node, file))
        stack.append((node, level, True))
        stack.extend(
            (child, level + 1, False) for child in _children(node) if id(child) not in size
        )
    if size[id(root)] > size_limit:
        problems.append(_too_large(file, size_limit))
    return problems


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))


def _construct_tree(loader: Any, node: yaml.Node) -> Any:
    """What PyYAML's safe constructor builds from a tree (a document without aliases).

    Strings, lists and mappings with string keys (most of every data file) are built here
    directly, several times faster than PyYAML's generic constructor; every other node (a
    number, a date, null, a merge key, an unknown tag) goes to that constructor. The depth
    is bounded by the ``nesting_depth`` check that ran before.
    """
    kind = type(node)
    if kind is yaml.ScalarNode and node.tag == _STR:
        return node.value
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_construct_tree(loader, child) for child in node.value]
    if (
        kind is yaml.MappingNode
        and node.tag == _MAP
        and all(type(key) is yaml.ScalarNode and key.tag == _STR for key, _ in node.value)
    ):
        return {key.value: _construct_tree(loader, value) for key, value in node.value}
    return loader.construct_object(node, deep=True)


def load_yaml(text: str, file: str) -> Any:
    """Parse one YAML document safely; raise DataError naming ``file`` and the rule broken.

    Plain data only (PyYAML's safe schema), with the checks of this module; a syntax
    error is reported with its line and column.
    """
    loader = _Loader(text)
    try:
        with collector_paused():
            node = loader.get_single_node()
            if node is None:
                return None
            tree = _check_tree(node, file)
            problems = _check_graph(node, file) if tree is None else tree
            if problems:
                raise DataError(problems)
            if tree is None:  # aliases: PyYAML builds each shared node once
                return loader.construct_document(node)
            return _construct_tree(loader, node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError([Problem(file, where, "yaml-syntax", first_line(error))]) from None
    except RecursionError:
        raise DataError([Problem(file, "", "nesting", "nested too deeply to read")]) from None
    finally:
        loader.dispose()


def top_level_items(text: str, key: str, *, stop_after: int) -> int:
    """How many items the top-level sequence ``key`` holds, counted up to ``stop_after + 1``.

    A streaming pass over the parser's events (no document is built), so a reader can
    refuse a file over a row limit in a fraction of the time loading it would take. A
    syntax error ends the count; :func:`load_yaml` reports it.
    """
    nodes = (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)
    depth = count = position = 0  # position: the how-many-th key or value of the top mapping
    named = inside = False
    with contextlib.suppress(yaml.YAMLError):
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 1:  # a collection in the top mapping is complete
                    inside, position = False, position + 1
                continue
            if not isinstance(event, nodes):
                continue
            if depth == 2 and inside:
                count += 1
                if count > stop_after:
                    break
            if depth == 1:
                if position % 2 == 0:
                    named = isinstance(event, yaml.ScalarEvent) and event.value == key
                else:
                    inside = named and isinstance(event, yaml.SequenceStartEvent)
                if not isinstance(event, yaml.CollectionStartEvent):
                    position += 1
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
    return count
