"""Seeded synthetic catalogues, mappings and inventories for the benchmarks (issue 10).

Every clause is given a finite set of "outcomes" (integers), children inside their
parents, and every mapping states the *true* relation between the two sets. The
generated data is therefore consistent by construction: path consistency never finds a
contradiction in it, and every status the engine proves can be checked against the sets.

How the sets are drawn:

- the outcome universe is split into *themes* (32 outcomes each); a top-level section
  takes one or two themes, and its clauses draw from those;
- a leaf either draws a fresh random subset of one theme, or — to give the realistic
  share of strong relations — copies (``equal``), shrinks (``subset_of``) or enlarges
  (``superset_of``) the set of a leaf of another framework in the same theme;
- an inner clause is the union of its children, sometimes with extra outcomes; when it
  is exactly the union, it is sometimes marked ``exhaustive`` (true by construction).

Mappings are drawn from those anchor pairs, from a leaf and an ancestor of its anchor,
from random pairs in one theme (mostly ``intersects_with``, some ``no_relationship``),
from a few two-clause unions, and ``addresses`` links from requirements to the risk
sources of a separate risk taxonomy.

>>> data = generate(Size("tiny", clauses=120, mappings=300, controls=40, frameworks=3))
>>> len(data.clauses), data.relation_counts()["intersects_with"] > 0
(120, True)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crosswalk.model.inventory import ClauseRef, Control, Inventory
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet, Source

if TYPE_CHECKING:
    from crosswalk.api import KnowledgeBase

__all__ = ["SIZES", "Size", "Synthetic", "generate", "true_relation"]

THEME_WIDTH = 32
RISK_PREFIX = "risk"
_DATE = dt.date(2026, 1, 1)
_JUSTIFICATION = "synthetic: the true relation of the generated outcome sets"


@dataclass(frozen=True)
class Size:
    """How much to generate: clauses (all frameworks), mappings, controls, frameworks."""

    name: str
    clauses: int
    mappings: int
    controls: int
    frameworks: int


SIZES: dict[str, Size] = {
    "S": Size("S", clauses=1_000, mappings=4_000, controls=500, frameworks=5),
    "M": Size("M", clauses=10_000, mappings=40_000, controls=5_000, frameworks=10),
    "L": Size("L", clauses=100_000, mappings=500_000, controls=50_000, frameworks=20),
}


@dataclass
class Synthetic:
    """A generated knowledge base in model objects, an inventory and the ground truth."""

    size: Size
    seed: int
    frameworks: list[Framework]
    clauses: list[Clause]
    mapping_sets: list[MappingSet]
    inventory: Inventory
    target: str
    sets: dict[str, frozenset[int]] = field(repr=False)

    def knowledge_base(self) -> KnowledgeBase:
        """A fresh in-memory knowledge base of the generated data (nothing cached)."""
        from crosswalk.api import KnowledgeBase

        return KnowledgeBase(self.frameworks, self.clauses, self.mapping_sets)

    @property
    def mappings(self) -> list[Mapping]:
        """Every generated mapping."""
        return [m for s in self.mapping_sets for m in s.mappings]

    def relation_counts(self) -> Counter[str]:
        """How many mappings use each relation."""
        return Counter(m.relation for m in self.mappings)


def true_relation(left: frozenset[int], right: frozenset[int]) -> str:
    """The STRM relation that holds between two non-empty sets."""
    if left == right:
        return "equal"
    if left < right:
        return "subset_of"
    if left > right:
        return "superset_of"
    if left & right:
        return "intersects_with"
    return "no_relationship"


@dataclass
class _Node:
    id: str
    framework: str
    local: str
    parent: int | None
    depth: int
    themes: tuple[int, ...]
    children: list[int] = field(default_factory=list)
    anchor: int | None = None
    exhaustive: bool = False


def generate(size: str | Size = "S", *, seed: int = 0) -> Synthetic:
    """Generate catalogues, mappings and an inventory of the given size, reproducibly."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"crosswalk-benchmark-{seed}")
    themes = max(8, round(2 * size.clauses ** (1 / 3)))  # shared by several frameworks each
    risk_count = max(10, size.clauses // 25)
    prefixes = [f"f{k:02d}" for k in range(1, size.frameworks + 1)]
    budget = _split(size.clauses - risk_count, len(prefixes))

    nodes: list[_Node] = []
    sets: list[frozenset[int]] = []
    theme_leaves: list[list[int]] = [[] for _ in range(themes)]
    for prefix, count in zip(prefixes, budget, strict=True):
        _grow_framework(rng, prefix, count, themes, nodes, sets, theme_leaves)
    risks = _grow_risks(rng, risk_count, nodes, sets)

    mappings = _draw_mappings(rng, size, nodes, sets, theme_leaves, risks)
    target = prefixes[-1]
    inventory = _draw_inventory(rng, size, nodes, prefixes, target)
    frameworks = [_framework(p, "Synthetic framework") for p in prefixes]
    frameworks.append(_framework(RISK_PREFIX, "Synthetic risk taxonomy"))
    clauses = _clauses(nodes, risks)
    return Synthetic(
        size=size,
        seed=seed,
        frameworks=frameworks,
        clauses=clauses,
        mapping_sets=mappings,
        inventory=inventory,
        target=target,
        sets={node.id: sets[i] for i, node in enumerate(nodes) if i < len(sets)},
    )


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


def _grow_framework(
    rng: random.Random,
    prefix: str,
    count: int,
    themes: int,
    nodes: list[_Node],
    sets: list[frozenset[int]],
    theme_leaves: list[list[int]],
) -> None:
    """One framework: a tree of 2–4 levels with random fan-out, then its outcome sets."""
    levels = rng.choice((2, 3, 4))
    fanout = max(2.0, count ** (1 / levels))
    first = len(nodes)
    level = []
    for number in range(1, max(1, round(fanout)) + 1):
        picked = tuple(rng.sample(range(themes), rng.choice((1, 1, 2))))
        nodes.append(_Node(f"{prefix}:{number}", prefix, str(number), None, 0, picked))
        level.append(len(nodes) - 1)
    depth = 1
    while len(nodes) - first < count and depth < levels:
        next_level = []
        for parent in level:
            wanted = rng.randint(max(1, round(fanout / 2)), max(2, round(fanout * 1.5)))
            for number in range(1, wanted + 1):
                if len(nodes) - first >= count:
                    break
                node = nodes[parent]
                picked = (
                    node.themes
                    if len(node.themes) == 1 or rng.random() < 0.5
                    else (rng.choice(node.themes),)
                )
                local = f"{node.local}.{number}"
                nodes.append(_Node(f"{prefix}:{local}", prefix, local, parent, depth, picked))
                node.children.append(len(nodes) - 1)
                next_level.append(len(nodes) - 1)
        level = next_level
        depth += 1
    # the budget may not be reached with few levels: add top-level sections
    number = sum(1 for n in nodes[first:] if n.parent is None)
    while len(nodes) - first < count:
        number += 1
        nodes.append(
            _Node(f"{prefix}:{number}", prefix, str(number), None, 0, (rng.randrange(themes),))
        )

    # outcome sets, leaves first (they may lean on leaves of earlier frameworks)
    own = range(first, len(nodes))
    sets.extend([frozenset()] * (len(nodes) - len(sets)))
    for index in own:
        node = nodes[index]
        if node.children:
            continue
        theme = rng.choice(node.themes)
        atoms = range(theme * THEME_WIDTH, (theme + 1) * THEME_WIDTH)
        draw = rng.random()
        anchor = _foreign(rng, theme_leaves[theme], nodes, prefix) if draw < 0.32 else None
        if anchor is not None and draw < 0.09:
            chosen = set(sets[anchor])
        elif anchor is not None and draw < 0.2 and len(sets[anchor]) > 1:
            members = sorted(sets[anchor])
            chosen = set(rng.sample(members, rng.randint(1, len(members) - 1)))
        elif anchor is not None:
            chosen = set(sets[anchor]) | set(rng.sample(atoms, rng.randint(1, 4)))
        else:
            chosen = set(rng.sample(atoms, rng.randint(4, 12)))
        node.anchor = anchor
        sets[index] = frozenset(chosen)
        theme_leaves[theme].append(index)
    for index in reversed(own):  # children come after parents, so this is post-order
        node = nodes[index]
        if not node.children:
            continue
        union = frozenset().union(*(sets[c] for c in node.children))
        if rng.random() < 0.3:
            theme = rng.choice(node.themes)
            extra = frozenset(rng.sample(range(theme * THEME_WIDTH, (theme + 1) * THEME_WIDTH), 2))
            node.exhaustive = extra <= union and rng.random() < 0.3
            union |= extra
        else:
            node.exhaustive = rng.random() < 0.3
        sets[index] = union


def _foreign(rng: random.Random, pool: list[int], nodes: list[_Node], prefix: str) -> int | None:
    """A random leaf of another framework from ``pool`` (None if a few draws find none)."""
    for _ in range(4 if pool else 0):
        candidate = pool[rng.randrange(len(pool))]
        if nodes[candidate].framework != prefix:
            return candidate
    return None


def _grow_risks(
    rng: random.Random, count: int, nodes: list[_Node], sets: list[frozenset[int]]
) -> list[int]:
    """A two-level risk taxonomy (categories, sources); risks carry no outcome sets."""
    categories = max(2, round(count**0.5))
    sources: list[int] = []
    first = len(nodes)
    for number in range(1, categories + 1):
        nodes.append(_Node(f"{RISK_PREFIX}:{number}", RISK_PREFIX, str(number), None, 0, ()))
    number = 0
    while len(nodes) - first < count:
        number += 1
        parent = first + rng.randrange(categories)
        local = f"{nodes[parent].local}.{number}"
        nodes.append(_Node(f"{RISK_PREFIX}:{local}", RISK_PREFIX, local, parent, 1, ()))
        nodes[parent].children.append(len(nodes) - 1)
        sources.append(len(nodes) - 1)
    return sources


def _ancestor(nodes: Sequence[_Node], index: int, rng: random.Random) -> int | None:
    chain = []
    parent = nodes[index].parent
    while parent is not None:
        chain.append(parent)
        parent = nodes[parent].parent
    return rng.choice(chain) if chain else None


def _draw_mappings(  # noqa: C901 - a generator of random mapping shapes; each branch is one shape
    rng: random.Random,
    size: Size,
    nodes: list[_Node],
    sets: list[frozenset[int]],
    theme_leaves: list[list[int]],
    risks: list[int],
) -> list[MappingSet]:
    """Pairs from anchors, lifted anchors, random same-theme pairs, unions and `addresses`."""
    total = size.mappings
    seen: set[tuple[int, int]] = set()
    rows: list[tuple[tuple[int, ...], str, int]] = []
    requirement_count = len(sets)

    def add(subjects: tuple[int, ...], target: int, relation: str | None = None) -> bool:
        key = (
            (min(subjects[0], target), max(subjects[0], target))
            if len(subjects) == 1
            else (-len(rows) - 1, target)
        )
        if target in subjects or key in seen:
            return False
        if (
            any(nodes[s].framework == nodes[target].framework for s in subjects)
            and relation is None
        ):
            return False
        seen.add(key)
        if relation is None:
            left = frozenset().union(*(sets[s] for s in subjects))
            relation = true_relation(left, sets[target])
        rows.append((subjects, relation, target))
        return True

    anchored = [i for i in range(requirement_count) if nodes[i].anchor is not None]
    rng.shuffle(anchored)
    quota = {
        "addresses": total * 5 // 100,
        "union": total // 100,
        "anchor": total * 14 // 100,
        "lifted": total * 10 // 100,
    }
    for index in anchored[: quota["anchor"]]:
        anchor = nodes[index].anchor
        assert anchor is not None
        if rng.random() < 0.5:
            add((index,), anchor)
        else:
            add((anchor,), index)
    tries = 0
    lifted_goal = len(rows) + quota["lifted"]
    while anchored and len(rows) < lifted_goal and tries < 4 * quota["lifted"]:
        tries += 1
        index = anchored[rng.randrange(len(anchored))]
        anchor = nodes[index].anchor
        assert anchor is not None
        if rng.random() < 0.5:
            up = _ancestor(nodes, anchor, rng)
            if up is not None:
                add((index,), up)
        else:
            up = _ancestor(nodes, index, rng)
            if up is not None:
                add((anchor,), up)
    requirement_leaves = [i for i in range(requirement_count) if not nodes[i].children]
    for _ in range(quota["addresses"]):
        add((rng.choice(requirement_leaves),), rng.choice(risks), "addresses")
    parents = [i for i in range(requirement_count) if len(nodes[i].children) >= 2]
    union_goal = len(rows) + quota["union"]
    tries = 0
    while parents and len(rows) < union_goal and tries < 10 * quota["union"] + 10:
        tries += 1
        first, second = rng.sample(nodes[rng.choice(parents)].children, 2)
        theme = rng.choice(nodes[first].themes)
        pool = theme_leaves[theme]
        target = pool[rng.randrange(len(pool))]
        add((first, second), target)
    theme_of = {leaf: theme for theme, leaves in enumerate(theme_leaves) for leaf in leaves}
    tries = 0
    while len(rows) < total and tries < 20 * total:
        tries += 1
        left = requirement_leaves[rng.randrange(len(requirement_leaves))]
        right = _foreign(rng, theme_leaves[theme_of[left]], nodes, nodes[left].framework)
        if right is None:
            continue
        if rng.random() < 0.25:
            right = _ancestor(nodes, right, rng) or right
            if rng.random() < 0.5:
                left, right = right, left
        add((left,), right)

    grouped: dict[tuple[str, str], list[tuple[tuple[int, ...], str, int]]] = {}
    for subjects, relation, target in rows:
        pair = (nodes[subjects[0]].framework, nodes[target].framework)
        grouped.setdefault(pair, []).append((subjects, relation, target))
    result = []
    for (subject_framework, object_framework), items in sorted(grouped.items()):
        set_id = f"{subject_framework}-{object_framework}"
        built = tuple(
            Mapping(
                id=f"{set_id}/{index}",
                subjects=tuple(nodes[s].id for s in subjects),
                relation=relation,  # type: ignore[arg-type]
                object=nodes[target].id,
                strength=_strength(rng, relation),
                rationale=rng.choice(("semantic", "semantic", "functional", "syntactic")),  # type: ignore[arg-type]
                justification=_JUSTIFICATION,
                source="synthetic",
                author="benchmarks/synthetic.py",
                date=_DATE,
                mapping_set=set_id,
                index=index,
            )
            for index, (subjects, relation, target) in enumerate(items)
        )
        result.append(
            MappingSet(
                id=set_id,
                title=f"Synthetic {subject_framework} to {object_framework}",
                subject_framework=subject_framework,
                object_framework=object_framework,
                source="synthetic",
                author="benchmarks/synthetic.py",
                date=_DATE,
                mappings=built,
                derived=True,
            )
        )
    return result


def _strength(rng: random.Random, relation: str) -> int:
    low, high = {
        "equal": (8, 10),
        "subset_of": (5, 9),
        "superset_of": (5, 9),
        "intersects_with": (2, 7),
        "no_relationship": (5, 8),
        "addresses": (3, 8),
    }[relation]
    return rng.randint(low, high)


def _draw_inventory(
    rng: random.Random, size: Size, nodes: list[_Node], prefixes: list[str], target: str
) -> Inventory:
    """Controls citing clauses of a few "home" frameworks (and a few target clauses)."""
    home_count = max(1, round(0.4 * (len(prefixes) - 1)))
    home = set(prefixes[:home_count])
    cited = [i for i, n in enumerate(nodes) if n.framework in home]
    leaves = [i for i in cited if not nodes[i].children]
    direct = [i for i, n in enumerate(nodes) if n.framework == target]
    statuses = (
        ("implemented",) * 6 + ("partially_implemented",) * 2 + ("planned", "not_implemented")
    )
    controls = []
    for number in range(1, size.controls + 1):
        refs: dict[str, str] = {}
        for _ in range(rng.choice((1, 1, 2, 3))):
            pool = direct if rng.random() < 0.03 else leaves if rng.random() < 0.7 else cited
            refs[nodes[rng.choice(pool)].id] = "partial" if rng.random() < 0.15 else "full"
        controls.append(
            Control(
                id=f"C{number:06d}",
                title=f"Synthetic control {number}",
                status=rng.choice(statuses),  # type: ignore[arg-type]
                implements=tuple(ClauseRef(clause=c, coverage=v) for c, v in refs.items()),  # type: ignore[arg-type]
            )
        )
    return Inventory(organisation="Synthetic organisation", controls=tuple(controls))


def _framework(prefix: str, title: str) -> Framework:
    return Framework(
        prefix=prefix,
        title=f"{title} {prefix}",
        short_name=prefix.upper(),
        kind="standard",
        iri_base=f"https://example.org/synthetic/{prefix}/",
        sources=(Source(id="synthetic", title="benchmarks/synthetic.py"),),
    )


def _clauses(nodes: list[_Node], risks: list[int]) -> list[Clause]:
    risk_set = set(risks)
    order: Counter[str] = Counter()
    result = []
    for index, node in enumerate(nodes):
        if node.framework == RISK_PREFIX:
            kind = "risk_source" if index in risk_set else "risk_category"
        else:
            kind = (
                "requirement" if not node.children else "section" if node.depth == 0 else "clause"
            )
        result.append(
            Clause(
                id=node.id,
                framework=node.framework,
                local=node.local,
                parent=nodes[node.parent].id if node.parent is not None else None,
                kind=kind,  # type: ignore[arg-type]
                title=f"Synthetic {kind} {node.local}",
                status="confirmed",
                source="synthetic",
                order=order[node.framework],
                depth=node.depth,
                exhaustive=node.exhaustive,
            )
        )
        order[node.framework] += 1
    return result
