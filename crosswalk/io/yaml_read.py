r"""The one safe YAML reader: no duplicate keys, no alias bombs, no unbounded nesting.

PyYAML's ``safe_load`` lets a second ``controls:`` key silently replace the first, expands
a few hundred bytes of aliases into gigabytes, and recurses once per nesting level.
:func:`load_yaml` composes the document first (C parser where PyYAML has it: aliases
stay shared, nothing is expanded), checks the node graph without recursion, and only
then builds the Python objects:

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
from crosswalk.model.errors import DataError, Problem

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

    Iterative (no recursion) and linear in the composed graph: a shared (aliased) node
    is visited once, its expanded size counted once (post-order, with a memo).
    """
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
        problems.append(
            Problem(
                file,
                "",
                "yaml-size",
                f"with its aliases expanded the document has more than {size_limit:,} nodes "
                "(an alias bomb?)",
            )
        )
    return problems


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
            problems = check_nodes(node, file)
            if problems:
                raise DataError(problems)
            return loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError([Problem(file, where, "yaml-syntax", message)]) from None
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
