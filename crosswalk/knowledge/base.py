"""The knowledge base: frameworks, clauses and mappings in one graph, with inference.

This is the core graph: lookup, citations, search, integrity checks, the inferred
relation of a pair and the risks a clause addresses. Gap analyses, RDF, SPARQL and the
displays build on it from the layers above; :class:`crosswalk.api.KnowledgeBase` (what
:func:`crosswalk.load` returns) puts them all on one object.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> kb.clause("iso31000:6.4.2").title
'Risk identification'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from crosswalk.io.cache import ArrayStore
from crosswalk.knowledge.citation import AliasIndex
from crosswalk.knowledge.inferred import Addressing, InferredRelation, RelatedClauses
from crosswalk.knowledge.resolve import Resolver
from crosswalk.knowledge.search import SearchIndex
from crosswalk.model.errors import (
    ContradictionError,
    Problem,
    UnknownClauseError,
    UnknownFrameworkError,
)
from crosswalk.model.ids import clause_iri, is_union_node, union_node
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet
from crosswalk.reasoning.derivation import EQ
from crosswalk.reasoning.explain import fact_text
from crosswalk.reasoning.facts import FactTable
from crosswalk.reasoning.relations import COVERING as COVERING_MASK
from crosswalk.reasoning.relations import RelationSet

if TYPE_CHECKING:
    import networkx

    from crosswalk.reasoning.closure import Closure
    from crosswalk.reasoning.engine import Network

__all__ = ["KnowledgeBase"]

_SUGGEST_CHARS = 200


class KnowledgeBase:
    """Frameworks, clauses and mappings, with sound inference over them."""

    def __init__(
        self,
        frameworks: Iterable[Framework],
        clauses: Iterable[Clause],
        mapping_sets: Iterable[MappingSet],
    ) -> None:
        self.frameworks: dict[str, Framework] = {f.prefix: f for f in frameworks}
        self.clauses: dict[str, Clause] = {c.id: c for c in clauses}
        self.children: dict[str, list[str]] = {}
        for clause in self.clauses.values():
            if clause.parent:
                self.children.setdefault(clause.parent, []).append(clause.id)
        self._aliases: dict[str, str] = {}
        for clause in self.clauses.values():
            for alias in clause.aliases:
                self._aliases[f"{clause.framework}:{alias}"] = clause.id
        self.mapping_sets: list[MappingSet] = [self._canonical_ids(s) for s in mapping_sets]

    def _canonical_ids(self, mapping_set: MappingSet) -> MappingSet:
        """The set with every clause alias in its mappings replaced by the canonical id.

        A mapping file may name a clause by an alias (an id it had before a renumbering);
        everything downstream (facts, exports, reports) keys on canonical ids only.
        """
        if not self._aliases:
            return mapping_set
        rows = []
        changed = False
        for mapping in mapping_set.mappings:
            subjects = tuple(self._aliases.get(c, c) for c in mapping.subjects)
            target = self._aliases.get(mapping.object, mapping.object)
            if subjects != mapping.subjects or target != mapping.object:
                mapping = replace(mapping, subjects=subjects, object=target)
                changed = True
            rows.append(mapping)
        return replace(mapping_set, mappings=tuple(rows)) if changed else mapping_set

    # -- lookup -----------------------------------------------------------------------

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses.values())

    def __len__(self) -> int:
        return len(self.clauses)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.clauses

    def __repr__(self) -> str:
        return (
            f"<KnowledgeBase: {len(self.frameworks)} frameworks, {len(self.clauses)} clauses, "
            f"{len(self.mappings)} mappings>"
        )

    @cached_property
    def mappings(self) -> list[Mapping]:
        """Every mapping of every set (derived adoption sets included)."""
        return [m for s in self.mapping_sets for m in s.mappings]

    def framework(self, prefix: str) -> Framework:
        """Get a framework by prefix; raise UnknownFrameworkError if absent."""
        try:
            return self.frameworks[prefix]
        except KeyError:
            raise UnknownFrameworkError(prefix, sorted(self.frameworks)) from None

    def find_clause(self, clause_id: str) -> Clause | None:
        """Find a clause by canonical id or alias; None if absent."""
        found = self.clauses.get(clause_id)
        if found is None and clause_id in self._aliases:
            found = self.clauses[self._aliases[clause_id]]
        return found

    def clause(self, clause_id: str) -> Clause:
        """Get a clause by canonical id; raise UnknownClauseError naming the closest ids."""
        found = self.find_clause(clause_id)
        if found is None:
            raise UnknownClauseError(clause_id, self.suggest(clause_id))
        return found

    def iri(self, clause_id: str) -> str:
        """The IRI of a clause: ELI for the EU AI Act, ``iri_base`` + local id otherwise."""
        clause = self.clause(clause_id)
        return clause_iri(
            self.frameworks[clause.framework].iri_base, clause.local, clause.framework
        )

    def suggest(self, text: str, *, limit: int = 3) -> list[str]:
        """The valid clause ids closest to ``text`` (only its first 200 characters count)."""
        text = text[:_SUGGEST_CHARS]  # ids are short: a longer text is no closer, only slower
        prefix = text.split(":", 1)[0] if ":" in text else None
        pool = [i for i in self.clauses if prefix is None or i.startswith(prefix + ":")]
        if not pool:
            pool = list(self.clauses)
        close = difflib.get_close_matches(text, pool, n=limit, cutoff=0.6)
        if close:
            return close
        # fall back to the nearest existing ancestor: "euaiact:art9.2.z" -> "euaiact:art9.2"
        candidate = text
        while "." in candidate:
            candidate = candidate.rsplit(".", 1)[0]
            if candidate in self.clauses:
                return [candidate]
        return difflib.get_close_matches(text, pool, n=limit, cutoff=0.3)

    def clauses_of(self, prefix: str) -> list[Clause]:
        """The clauses of one framework, in document order."""
        self.framework(prefix)
        return [c for c in self.clauses.values() if c.framework == prefix]

    def ancestors(self, clause_id: str) -> list[str]:
        """Parent, grandparent, … of a clause."""
        result = []
        parent = self.clause(clause_id).parent
        while parent:
            result.append(parent)
            parent = self.clauses[parent].parent
        return result

    def descendants(self, clause_id: str) -> list[str]:
        """Every clause below a clause, depth first in document order."""
        result: list[str] = []
        stack = list(reversed(self.children.get(clause_id, [])))
        while stack:
            current = stack.pop()
            result.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return result

    def search(self, text: str, *, framework: str | None = None, limit: int = 20) -> list[Clause]:
        """Clauses whose id, headings (English or Chinese) or summary match every word.

        Ranked by field (id, heading, summary) and language, with a small English/Chinese
        synonym table; linear in the query (see :mod:`crosswalk.knowledge.search`).
        """
        return self._search_index.search(text, framework=framework, limit_=limit)

    @cached_property
    def _search_index(self) -> SearchIndex:
        return SearchIndex(self.clauses.values())

    @cached_property
    def _resolver(self) -> Resolver:
        return Resolver(self.frameworks, self.clauses, self.suggest)

    @cached_property
    def _alias_index(self) -> AliasIndex:
        return self._resolver.aliases()

    def resolve(self, text: str) -> Clause:
        """Resolve a loose citation ("Art. 9(2)(a) AI Act", "ISO 31000 6.4.2") to a clause.

        Never to a broader clause than the text names: text with invisible or control
        characters, or with a number broken by a comma or a space, is refused with a
        :class:`~crosswalk.model.errors.CitationError` that shows why (see
        :mod:`crosswalk.knowledge.resolve` for every form understood).
        """
        return self._resolver.resolve(text, self._alias_index, self.find_clause)

    # -- integrity --------------------------------------------------------------------

    def reference_problems(self) -> list[Problem]:
        """Referential-integrity problems of the mappings (unknown ids, kind rules)."""
        problems = []
        for mapping in self.mappings:
            where = f"mappings[{mapping.index}]"
            for clause_id in (*mapping.subjects, mapping.object):
                if self.find_clause(clause_id) is None:
                    close = self.suggest(clause_id)
                    hint = f"; closest: {', '.join(close)}" if close else ""
                    problems.append(
                        Problem(
                            mapping.path or mapping.mapping_set,
                            where,
                            "known-clause",
                            f"unknown clause id {clause_id!r}{hint}",
                        )
                    )
            if any(self.find_clause(c) is None for c in (*mapping.subjects, mapping.object)):
                continue
            subjects = [self.clause(c) for c in mapping.subjects]
            target = self.clause(mapping.object)
            if mapping.relation == "addresses":
                if not target.is_risk:
                    problems.append(
                        Problem(
                            mapping.path or "",
                            where,
                            "addresses-risk",
                            f"`addresses` must point at a risk source or category; {target.id} is a {target.kind}",
                        )
                    )
                if any(s.is_risk for s in subjects):
                    problems.append(
                        Problem(
                            mapping.path or "",
                            where,
                            "addresses-from-requirement",
                            "`addresses` starts from a requirement or measure, not a risk",
                        )
                    )
            elif mapping.relation != "no_relationship" and any(
                s.is_risk != target.is_risk for s in subjects
            ):
                problems.append(
                    Problem(
                        mapping.path or "",
                        where,
                        "like-with-like",
                        f"{mapping.relation} compares like with like; {mapping.subject} and {target.id} are not both risks "
                        "or both requirements (use `addresses` for a requirement that mitigates a risk)",
                    )
                )
        return problems

    # -- inference --------------------------------------------------------------------

    @cached_property
    def facts(self) -> FactTable:
        """Every fact the data states (hierarchy, unions, mappings), numbered once."""
        return FactTable.build(self.clauses.values(), self.mappings, self.children)

    @cached_property
    def network(self) -> Network:
        """The constraint network: clauses, union nodes and every fact."""
        return self.facts.network()

    @cached_property
    def mapping_pairs(self) -> dict[frozenset[str], list[Mapping]]:
        """Asserted set-theory mappings (not negative, not `addresses`) by unordered clause pair."""
        pairs: dict[frozenset[str], list[Mapping]] = {}
        for mapping in self.mappings:
            if mapping.relation in ("no_relationship", "addresses"):
                continue
            for subject in mapping.subjects:
                pairs.setdefault(frozenset((subject, mapping.object)), []).append(mapping)
        return pairs

    @cached_property
    def linked_clauses(self) -> dict[str, set[str]]:
        """Clause ids joined by an asserted set-theory mapping, in both directions."""
        result: dict[str, set[str]] = {}
        for pair in self.mapping_pairs:
            left, right = (*pair, *pair)[:2]  # a clause mapped to itself is a one-id pair
            result.setdefault(left, set()).add(right)
            result.setdefault(right, set()).add(left)
        return result

    @cached_property
    def mapping_neighbours(self) -> dict[int, set[int]]:
        """:attr:`linked_clauses` by the network's node numbers."""
        index = self.network.index
        return {
            index[clause]: {index[other] for other in others}
            for clause, others in self.linked_clauses.items()
        }

    closure_store: ArrayStore | None = None
    """Where :attr:`unchecked_closure` is kept between processes (set by :func:`~crosswalk.knowledge.load.load`)."""

    @cached_property
    def unchecked_closure(self) -> Closure:
        """The path-consistent closure, contradictions included (see :meth:`validate`).

        Read from :attr:`closure_store` when it holds this knowledge base's closure;
        otherwise computed by :mod:`crosswalk.reasoning.engine` (and stored there).
        """
        # the engine imports numpy (and numba to compute): a cached load never needs them
        from crosswalk.reasoning.storage import closure_arrays, closure_from_arrays

        store, network = self.closure_store, self.network
        if store is not None:
            arrays = store.read()
            if arrays is not None:
                try:
                    return closure_from_arrays(len(network.nodes), network.facts, arrays)
                except ValueError:
                    pass  # not this knowledge base's closure: computed again below
        closure = self.network.close()
        if store is not None:
            computed = closure_arrays(closure)
            if computed is not None:
                store.write(computed)
        return closure

    @property
    def closure(self) -> Closure:
        """The path-consistent closure; raises ContradictionError if the data contradicts itself."""
        closure = self.unchecked_closure
        if closure.contradictions:
            raise ContradictionError(
                self.contradiction_problems(), title="the mappings contradict each other"
            )
        return closure

    def relation(self, source: str, target: str) -> InferredRelation:
        """The tightest relation set all knowledge entails between two clauses, explained."""
        left, right = self._node(source), self._node(target)
        closure = self.closure
        mask = closure.mask(left, right)
        derivation = closure.derivation(left, right)
        return InferredRelation(source, target, RelationSet(mask), derivation, self.network.nodes)

    def explain(self, source: str, target: str) -> InferredRelation:
        """The relation between two clauses with its explanation.

        Text via ``str()`` or ``explain()``, HTML in Jupyter.
        """
        return self.relation(source, target)

    def related(self, clause_id: str, *, framework: str | None = None) -> RelatedClauses:
        """Every clause (of ``framework``, if given) with a known relation from ``clause_id``.

        One row of the closure: what all the knowledge entails from this clause to each
        other clause, without derivations (:meth:`RelatedClauses.explain` gives one).
        """
        source = self.clause(clause_id).id
        if framework:
            self.framework(framework)
        others, masks = self.closure.row(self._node(source))
        nodes = self.network.nodes
        prefix = f"{framework}:" if framework else ""
        found = {
            nodes[other]: RelationSet(mask)
            for other, mask in zip(others.tolist(), masks.tolist(), strict=True)
            if nodes[other].startswith(prefix) and not is_union_node(nodes[other])
        }
        return RelatedClauses(source, found, self.relation)

    def _node(self, clause_id: str) -> int:
        clause = self.clause(clause_id)
        return self.network.index[clause.id]

    def contradiction_problems(self) -> list[Problem]:
        """Each contradiction with a minimal set of facts that causes it."""
        closure = self.unchecked_closure
        nodes = self.network.nodes
        problems = []
        for (left, right), facts in closure.conflict_pairs():
            listing = "; ".join(fact_text(f, nodes) for f in facts)
            files = sorted(
                {f.payload.path for f in facts if isinstance(f.payload, Mapping) and f.payload.path}
            )
            problems.append(
                Problem(
                    ", ".join(files) or "(hierarchy)",
                    f"{nodes[left]} / {nodes[right]}",
                    "consistency",
                    f"no relation is left for this pair; these cannot all hold: {listing}",
                )
            )
        return problems

    def validate(self) -> list[Problem]:
        """Every problem in the loaded data: references, kinds and contradictions."""
        return self.reference_problems() + self.contradiction_problems()

    # -- risk sources -----------------------------------------------------------------

    def addressed_by(self, risk_id: str) -> list[Addressing]:
        """Every clause whose implementation addresses a risk source, with the reason.

        Directly: a requirement or measure with an ``addresses`` mapping to the risk (or to
        a risk proven equal to it). Indirectly: any clause proven to *contain* such a
        requirement — implementing it implements the requirement too.
        """
        risk = self.clause(risk_id)
        closure = self.closure
        nodes = self.network.nodes
        index = self.network.index
        equals = {risk.id} | {
            nodes[j] for j, m in closure.neighbours(index[risk.id]).items() if m == EQ
        }
        result: list[Addressing] = []
        seen: set[str] = set()
        direct = [m for m in self.mappings if m.relation == "addresses" and m.object in equals]
        for mapping in direct:
            requirement = mapping.subject if not mapping.is_union else union_node(mapping.subjects)
            for subject in mapping.subjects if not mapping.is_union else ():
                if subject not in seen:
                    seen.add(subject)
                    result.append(Addressing(subject, mapping, None))
            node = index.get(requirement)
            if node is None:
                continue
            for other in closure.neighbours(node):
                name = nodes[other]
                if (
                    name in seen
                    or name not in self.clauses
                    or closure.mask(other, node) & ~COVERING_MASK
                ):
                    continue
                seen.add(name)
                result.append(
                    Addressing(
                        name,
                        mapping,
                        self.relation(name, requirement) if requirement in self.clauses else None,
                    )
                )
        return result

    # -- graph views ------------------------------------------------------------------

    def to_networkx(self, *, inferred: bool = False) -> networkx.MultiDiGraph:
        """The clause graph as networkx: hierarchy and asserted mappings (or inferred pairs)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for clause in self.clauses.values():
            graph.add_node(
                clause.id, framework=clause.framework, title=clause.title, kind=clause.kind
            )
            if clause.parent:
                graph.add_edge(clause.id, clause.parent, relation="part_of")
        if inferred:
            closure = self.closure
            nodes = self.network.nodes
            for i, j, mask in closure.pairs():
                if nodes[i] in self.clauses and nodes[j] in self.clauses:
                    graph.add_edge(
                        nodes[i], nodes[j], relation=str(RelationSet(mask)), inferred=True
                    )
        else:
            for mapping in self.mappings:
                for subject in mapping.subjects:
                    graph.add_edge(
                        subject, mapping.object, relation=mapping.relation, mapping=mapping.id
                    )
        return graph
