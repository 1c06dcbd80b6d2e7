"""The knowledge base: frameworks, clauses and mappings in one graph, with inference.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> kb.clause("iso31000:6.4.2").title
'Risk identification'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.citation import AliasIndex, parse_citation
from crosswalk.errors import (
    CitationError,
    ContradictionError,
    Problem,
    UnknownClauseError,
    UnknownFrameworkError,
)
from crosswalk.inference import (
    EQ,
    SUB,
    Closure,
    Derivation,
    Fact,
    Network,
    minimal_conflict,
)
from crosswalk.model import CLAUSE_ID_PATTERN, Clause, Framework, Mapping, MappingSet
from crosswalk.relations import COVERING as COVERING_MASK
from crosswalk.relations import Relation, RelationSet
from crosswalk.resources import mappings_dir

if TYPE_CHECKING:
    import networkx

__all__ = ["Addressing", "InferredRelation", "KnowledgeBase", "load", "union_node"]

_STRM_MASK = {r.value: r.bit for r in Relation}
_CHILD_OF_PARENT = EQ | SUB


def union_node(members: Sequence[str]) -> str:
    """The node name of the union of several clauses."""
    return "∪(" + ",".join(sorted(members)) + ")"


def load(extra: Iterable[str | Path] = (), *, bundled: bool = True) -> KnowledgeBase:
    """Load the bundled knowledge base, plus the user's catalogue and mapping files.

    ``extra`` takes directories (searched recursively) or single YAML files. Every problem
    in every file is collected and raised once as a :class:`~crosswalk.errors.DataError`.
    """
    from crosswalk.cache import cache_key, read_cached, write_cached
    from crosswalk.discovery import discover

    roots: list[Path] = [mappings_dir()] if bundled else []
    roots.extend(Path(p) for p in extra)
    for root in roots:
        if not root.exists():
            from crosswalk.errors import DataError

            raise DataError([Problem(str(root), "", "exists", "no such file or directory")])
    files = discover(roots)
    key = cache_key([*files.catalogues, *files.parts, *files.mapping_sets, *files.other], bundled=bundled)
    cached = read_cached(key)
    if isinstance(cached, KnowledgeBase):
        return cached
    kb = _build(files)
    _ = kb.unchecked_closure  # computed once, then cached with the rest
    write_cached(key, kb)
    return kb


def _build(files: Any) -> KnowledgeBase:
    from crosswalk.catalogue import (
        adoption_mapping_sets,
        build_catalogues,
        build_mapping_sets,
        raise_if_errors,
    )

    problems: list[Problem] = []
    documents: dict[Path, Any] = {}
    if files.other:
        from crosswalk.catalogue import read_yaml

        for path in files.other:
            document = read_yaml(path, problems)
            if isinstance(document, dict) and "framework" in document:
                files.catalogues.append(path)
            elif isinstance(document, dict) and "mapping_set" in document:
                files.mapping_sets.append(path)
            elif document is not None:
                problems.append(
                    Problem(str(path), "", "file-kind", "neither a catalogue (`framework:`) nor a mapping set (`mapping_set:`)")
                )
                continue
            documents[path] = document
    frameworks, clauses = build_catalogues(files, problems, documents=documents)
    sets = build_mapping_sets(files.mapping_sets, problems, documents=documents)
    sets = adoption_mapping_sets(frameworks, clauses) + sets
    kb = KnowledgeBase(frameworks, clauses, sets)
    problems.extend(kb.reference_problems())
    raise_if_errors(problems, title=f"the knowledge base has {sum(p.severity == 'error' for p in problems)} data error(s)")
    return kb


@dataclass(frozen=True)
class Addressing:
    """A clause whose implementation addresses a risk: directly, or by containing a
    requirement that does (``via`` is then the containment, explained)."""

    clause: str
    mapping: Mapping
    via: InferredRelation | None

    @property
    def direct(self) -> bool:
        """True when the clause itself is the subject of the ``addresses`` mapping."""
        return self.via is None

    def explain(self) -> str:
        """Why implementing ``clause`` addresses the risk."""
        head = f"{self.clause} addresses {self.mapping.object}"
        link = f"{self.mapping.subject} addresses {self.mapping.object} [{self.mapping.where}]: {self.mapping.justification}"
        if self.via is None:
            return f"{head}: {link}"
        return f"{head}, because it is proven to contain {self.mapping.subject}:\n{self.via.explain()}\nand {link}"


@dataclass(frozen=True)
class InferredRelation:
    """What all the knowledge entails about a pair, and why (DESIGN.md §4–§5)."""

    source: str
    target: str
    relations: RelationSet
    derivation: Derivation | None
    nodes: Sequence[str]

    @property
    def status(self) -> str:
        """Coverage a fully implemented source gives the target (covered/partial/undetermined/none)."""
        if self.relations.is_universal:
            return "undetermined" if self.derivation is None else self.relations.status
        return self.relations.status

    @property
    def strength(self) -> int | None:
        """Derived strength: the weakest link of the derivation (None if nothing is known)."""
        return self.derivation.strength if self.derivation else None

    @property
    def confidence(self) -> float | None:
        """Derived confidence: product over the facts used (None if nothing is known)."""
        return self.derivation.confidence if self.derivation else None

    @property
    def rationale(self) -> str | None:
        """Least strict rationale along the derivation."""
        return self.derivation.rationale if self.derivation else None

    @property
    def mappings(self) -> list[Mapping]:
        """The asserted mappings this result rests on."""
        if self.derivation is None:
            return []
        return [f.payload for f in self.derivation.distinct_facts() if isinstance(f.payload, Mapping)]

    @property
    def paths(self) -> list[list[str]]:
        """Each supporting chain as a list of readable steps."""
        if self.derivation is None:
            return []
        parts = self.derivation.parts if self.derivation.rule == "intersection" else (self.derivation,)
        return [[_fact_text(f, self.nodes) for f in part.facts()] for part in parts]

    def explain(self) -> str:
        """A readable, checkable explanation (text)."""
        from crosswalk.display import explanation_text

        return explanation_text(self)

    def _repr_html_(self) -> str:
        from crosswalk.display import relation_html

        return relation_html(self)

    def __str__(self) -> str:
        return f"{self.source} → {self.target}: {self.relations} ({self.status})"


def _fact_text(fact: Fact, nodes: Sequence[str]) -> str:
    left, right = nodes[fact.left], nodes[fact.right]
    relation = RelationSet(fact.mask)
    text = f"{left} {relation} {right}"
    if isinstance(fact.payload, Mapping):
        return f"{text}  [{fact.payload.where}]"
    return f"{text}  [{fact.kind}]"


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
        self.mapping_sets: list[MappingSet] = list(mapping_sets)
        self.children: dict[str, list[str]] = {}
        for clause in self.clauses.values():
            if clause.parent:
                self.children.setdefault(clause.parent, []).append(clause.id)
        self._aliases: dict[str, str] = {}
        for clause in self.clauses.values():
            for alias in clause.aliases:
                self._aliases[f"{clause.framework}:{alias}"] = clause.id

    # -- lookup -----------------------------------------------------------------------

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

    def _repr_html_(self) -> str:
        from crosswalk.display import knowledge_html

        return knowledge_html(self)

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
        from crosswalk.rdf import clause_iri

        clause = self.clause(clause_id)
        return str(clause_iri(self.frameworks[clause.framework].iri_base, clause.local, clause.framework))

    def suggest(self, text: str, *, limit: int = 3) -> list[str]:
        """The valid clause ids closest to ``text``."""
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
        """Clauses whose id, headings (English or Chinese) or summary contain every word."""
        words = [w for w in text.lower().split() if w]
        hits = []
        for clause in self.clauses.values():
            if framework and clause.framework != framework:
                continue
            haystack = " ".join(
                filter(None, [clause.id, clause.title, clause.title_zh, clause.summary])
            ).lower()
            if all(w in haystack for w in words):
                score = sum(w in clause.title.lower() or w in (clause.title_zh or "") for w in words)
                hits.append((-score, clause.depth, clause.order, clause))
        hits.sort(key=lambda h: (h[0], h[1], h[2]))
        return [h[3] for h in hits[:limit]]

    @cached_property
    def _alias_index(self) -> AliasIndex:
        names: list[tuple[str, str]] = []
        for framework in self.frameworks.values():
            names.append((framework.prefix, framework.prefix))
            names.append((framework.short_name, framework.prefix))
            names.extend((alias, framework.prefix) for alias in framework.aliases)
        return AliasIndex(names)

    def resolve(self, text: str) -> Clause:
        """Resolve a loose citation ("Art. 9(2)(a) AI Act", "ISO 31000 6.4.2") to a clause."""
        stripped = text.strip()
        if not stripped:
            raise CitationError(text, "empty citation")
        direct = self.find_clause(stripped) or self.find_clause(stripped.lower())
        if direct is not None:
            return direct
        if re.fullmatch(CLAUSE_ID_PATTERN, stripped) and stripped.split(":", 1)[0] in self.frameworks:
            # a canonical id that is not there: name the closest ids rather than guess at its words
            raise CitationError(text, f"{stripped} is not in the catalogue", self.suggest(stripped))
        regulations = frozenset(p for p, f in self.frameworks.items() if f.kind == "regulation")
        citation = parse_citation(stripped, self._alias_index, regulations)
        if citation is None:
            names = ", ".join(f.short_name for f in self.frameworks.values())
            raise CitationError(
                text,
                f"no framework named (known: {names})",
                self.suggest(stripped),
            )
        # a word that is itself a local id of that framework ("planning.governance")
        for token in sorted(citation.tokens(), key=len, reverse=True):
            found = self.find_clause(f"{citation.prefix}:{token}")
            plausible = "." in token or not token.isdigit() or citation.local in (None, token)
            if found is not None and plausible and (citation.local is None or len(token) >= len(citation.local)):
                return found
        if citation.local is not None:
            found = self.find_clause(citation.id)
            if found is not None:
                return found
        # the heading itself, in English or Chinese ("GB/T 46347 风险评估")
        wanted = citation.rest.strip(" :-,")
        if wanted:
            for clause in self.clauses_of(citation.prefix):
                if wanted in (clause.title.lower(), (clause.title_zh or "").lower()):
                    return clause
        if citation.local is None:
            raise CitationError(text, f"no clause number found after the name of {citation.prefix}", self.suggest(f"{citation.prefix}:{wanted}"))
        raise CitationError(text, f"{citation.id} is not in the catalogue", self.suggest(citation.id))

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
                        Problem(mapping.path or mapping.mapping_set, where, "known-clause", f"unknown clause id {clause_id!r}{hint}")
                    )
            if any(self.find_clause(c) is None for c in (*mapping.subjects, mapping.object)):
                continue
            subjects = [self.clause(c) for c in mapping.subjects]
            target = self.clause(mapping.object)
            if mapping.relation == "addresses":
                if not target.is_risk:
                    problems.append(
                        Problem(mapping.path or "", where, "addresses-risk", f"`addresses` must point at a risk source or category; {target.id} is a {target.kind}")
                    )
                if any(s.is_risk for s in subjects):
                    problems.append(
                        Problem(mapping.path or "", where, "addresses-from-requirement", "`addresses` starts from a requirement or measure, not a risk")
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
    def network(self) -> Network:
        """The constraint network: clauses, union nodes and every fact."""
        network = Network(list(self.clauses))
        index = network.index
        for clause in self.clauses.values():
            if clause.parent:
                network.add(
                    Fact(index[clause.id], index[clause.parent], _CHILD_OF_PARENT, "hierarchy", "child of parent")
                )
            if clause.exhaustive and self.children.get(clause.id):
                members = self.children[clause.id]
                node = network.add_union(union_node(members), [index[m] for m in members])
                network.add(Fact(index[clause.id], node, EQ, "exhaustive", "children split it exhaustively"))
                for member in members:
                    network.add(Fact(index[member], node, _CHILD_OF_PARENT, "union", "member of union"))
        for mapping in self.mappings:
            if mapping.relation == "addresses":
                continue
            if mapping.is_union:
                left = network.add_union(union_node(mapping.subjects), [index[m] for m in mapping.subjects])
                for member in mapping.subjects:
                    network.add(Fact(index[member], left, _CHILD_OF_PARENT, "union", "member of union"))
            else:
                left = index[mapping.subjects[0]]
            kind = "adoption" if mapping.mapping_set.endswith("-adoption") else "mapping"
            network.add(
                Fact(
                    left,
                    index[mapping.object],
                    _STRM_MASK[mapping.relation],
                    kind,
                    mapping.justification,
                    mapping.strength,
                    mapping.confidence if mapping.confidence is not None else 1.0,
                    mapping.rationale,
                    mapping,
                )
            )
        return network

    @cached_property
    def mapping_neighbours(self) -> dict[int, set[int]]:
        """Nodes joined by an asserted (not negative) mapping, in both directions."""
        index = self.network.index
        result: dict[int, set[int]] = {}
        for mapping in self.mappings:
            if mapping.relation in ("no_relationship", "addresses"):
                continue
            right = index[mapping.object]
            for subject in mapping.subjects:
                left = index[subject]
                result.setdefault(left, set()).add(right)
                result.setdefault(right, set()).add(left)
        return result

    def gap(
        self,
        inventory: Any,
        *,
        target: str,
        profile: Any = None,
        risk_frameworks: Iterable[str] | None = None,
        scoring: Any = None,
    ) -> Any:
        """Gap analysis of an inventory (object, or a path to YAML/CSV/XLSX) against a
        target framework; see :func:`crosswalk.gap.gap_analysis`."""
        from crosswalk.gap import gap_analysis
        from crosswalk.inventory import Inventory, Profile, read_inventory, read_profile

        if not isinstance(inventory, Inventory):
            inventory = read_inventory(inventory, kb=self)
        if profile is not None and not isinstance(profile, Profile):
            profile = Profile.model_validate(profile) if isinstance(profile, dict) else read_profile(profile)
        return gap_analysis(
            self, inventory, target=target, profile=profile, risk_frameworks=risk_frameworks, scoring=scoring
        )

    def fast_gap(self, inventory: Any, *, target: str, profile: Any = None) -> Any:
        """Vectorised gap statuses for very large knowledge bases (see :mod:`crosswalk.fastgap`):
        the same covered/partial statuses as :meth:`gap`, without path-consistency derivations."""
        from crosswalk.fastgap import fast_gap_analysis
        from crosswalk.inventory import Inventory, read_inventory

        if not isinstance(inventory, Inventory):
            inventory = read_inventory(inventory, kb=self)
        return fast_gap_analysis(self, inventory, target=target, profile=profile)

    def read_inventory(self, path: str | Path, *, profile: Any = None) -> Any:
        """Read an inventory file (YAML, CSV, XLSX), resolving its citations against this base."""
        from crosswalk.inventory import read_inventory

        return read_inventory(path, kb=self, profile=profile)

    @cached_property
    def unchecked_closure(self) -> Closure:
        """The path-consistent closure, contradictions included (see :meth:`validate`)."""
        return self.network.close()

    @property
    def closure(self) -> Closure:
        """The path-consistent closure; raises ContradictionError if the data contradicts itself."""
        closure = self.unchecked_closure
        if closure.contradictions:
            raise ContradictionError(self.contradiction_problems(), title="the mappings contradict each other")
        return closure

    def relation(self, source: str, target: str) -> InferredRelation:
        """The tightest relation set all knowledge entails between two clauses, explained."""
        left, right = self._node(source), self._node(target)
        closure = self.closure
        mask = closure.mask(left, right)
        derivation = closure.derivation(left, right)
        return InferredRelation(source, target, RelationSet(mask), derivation, self.network.nodes)

    def chain_relations(self, clause_id: str) -> Any:
        """What chains of facts entail between one clause and every other, for knowledge
        bases too large for :meth:`relation`'s path consistency: near-linear in the number
        of facts, sound, never tighter than :meth:`relation`
        (:class:`crosswalk.fastgap.ChainRelations`)."""
        from crosswalk.fastgap import index_of

        return index_of(self).relations_from(self.clause(clause_id).id)

    def explain(self, source: str, target: str) -> InferredRelation:
        """The relation between two clauses with its explanation (text via str/explain(),
        HTML in Jupyter)."""
        return self.relation(source, target)

    def _node(self, clause_id: str) -> int:
        clause = self.clause(clause_id)
        return self.network.index[clause.id]

    def contradiction_problems(self) -> list[Problem]:
        """Each contradiction with the smallest set of facts that causes it."""
        closure = self.unchecked_closure
        nodes = self.network.nodes
        problems = []
        seen: set[frozenset[int]] = set()
        for left, right in closure.contradictions:
            derivation = closure._derive(left, right, 1 << 62, {})
            facts = minimal_conflict(self.network, derivation.distinct_facts())
            key = frozenset(id(f) for f in facts)
            if key in seen:
                continue
            seen.add(key)
            listing = "; ".join(_fact_text(f, nodes) for f in facts)
            files = sorted({f.payload.path for f in facts if isinstance(f.payload, Mapping) and f.payload.path})
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
        requirement (DESIGN.md §4) — implementing it implements the requirement too.
        """
        risk = self.clause(risk_id)
        closure = self.closure
        nodes = self.network.nodes
        index = self.network.index
        equals = {risk.id} | {nodes[j] for j, m in closure.neighbours(index[risk.id]).items() if m == EQ}
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
                if name in seen or name not in self.clauses or closure.mask(other, node) & ~COVERING_MASK:
                    continue
                seen.add(name)
                result.append(Addressing(name, mapping, self.relation(name, requirement) if requirement in self.clauses else None))
        return result

    # -- RDF and SPARQL ---------------------------------------------------------------

    def sparql(self, query: str, *, engine: str = "auto", **bindings: Any) -> Any:
        """Run a SPARQL query over this knowledge base; values are bound, never spliced.

        Returns a pandas DataFrame (rdflib, or Oxigraph when installed)."""
        from crosswalk import sparql

        return sparql.run_query(self, query, bindings=bindings or None, engine=engine)

    def query(self, name: str, *, engine: str = "auto", **params: Any) -> Any:
        """Run a named query from ``ontologies/queries/`` (``crosswalk queries`` lists them)."""
        from crosswalk import sparql

        return sparql.query(self, name, engine=engine, **params)

    def to_graph(self, **options: Any) -> Any:
        """The knowledge base as an rdflib Graph (see :func:`crosswalk.rdf.to_graph`)."""
        from crosswalk import rdf

        return rdf.to_graph(self, **options)

    # -- graph views ------------------------------------------------------------------

    def to_networkx(self, *, inferred: bool = False) -> networkx.MultiDiGraph:
        """The clause graph as networkx: hierarchy and asserted mappings (or inferred pairs)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for clause in self.clauses.values():
            graph.add_node(clause.id, framework=clause.framework, title=clause.title, kind=clause.kind)
            if clause.parent:
                graph.add_edge(clause.id, clause.parent, relation="part_of")
        if inferred:
            closure = self.closure
            nodes = self.network.nodes
            for i, row in enumerate(closure.relations):
                for j, mask in row.items():
                    if i < j and nodes[i] in self.clauses and nodes[j] in self.clauses:
                        graph.add_edge(nodes[i], nodes[j], relation=str(RelationSet(mask)), inferred=True)
        else:
            for mapping in self.mappings:
                for subject in mapping.subjects:
                    graph.add_edge(subject, mapping.object, relation=mapping.relation, mapping=mapping.id)
        return graph

