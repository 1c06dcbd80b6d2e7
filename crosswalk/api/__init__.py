"""The typed facade: one knowledge-base object with every layer's operations on it.

:class:`KnowledgeBase` here is the core graph of :mod:`crosswalk.knowledge` plus the
operations of the layers above it — gap analyses, inventories, RDF and SPARQL — each
returning its real type. :func:`load` (``crosswalk.load``) builds it.
Importing this module attaches the presentation layers to the objects they show (the
Jupyter views of :mod:`crosswalk.display`, ``GapReport.to_excel`` of
:mod:`crosswalk.excel`); it stays light all the same: the gap analysis (and numpy), the
inventory readers, rdflib, pandas and openpyxl load when an operation that needs them is
first called.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> type(kb).__module__, kb.related("iso31000:6.4.2").source
('crosswalk.api', 'iso31000:6.4.2')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import crosswalk.display
import crosswalk.excel  # noqa: F401 - attaches to_excel to the gap report
from crosswalk.knowledge import base
from crosswalk.knowledge import load as _load

if TYPE_CHECKING:
    import pandas as pd
    import rdflib

    from crosswalk.gap.report import GapReport
    from crosswalk.io.scoring import ScoringModel
    from crosswalk.model.inventory import Inventory, Profile


__all__ = ["KnowledgeBase", "load"]

InventoryLike: TypeAlias = "Inventory | str | Path"
"""An inventory object, or the path of a YAML, CSV or XLSX inventory file."""
ProfileLike: TypeAlias = "Profile | Mapping[str, Any] | str | Path | None"
"""A profile object, its fields as a mapping, or the path of a YAML profile."""


class KnowledgeBase(base.KnowledgeBase):
    """Frameworks, clauses and mappings with sound inference, gap analyses, RDF and SPARQL."""

    def read_inventory(self, path: str | Path, *, profile: Profile | None = None) -> Inventory:
        """Read an inventory file (YAML, CSV, XLSX), resolving its citations against this base."""
        from crosswalk.io.inventory import read_inventory  # the readers load when a file is read

        return read_inventory(path, kb=self, profile=profile)

    def _inventory(self, inventory: InventoryLike) -> Inventory:
        from crosswalk.model.inventory import Inventory  # loads with the first inventory

        return inventory if isinstance(inventory, Inventory) else self.read_inventory(inventory)

    def gap(
        self,
        inventory: InventoryLike,
        *,
        target: str,
        profile: ProfileLike = None,
        risk_frameworks: Iterable[str] | None = None,
        scoring: ScoringModel | str | Path | None = None,
        strict_scope: bool = False,
    ) -> GapReport:
        """Gap analysis of an inventory (object, or a YAML/CSV/XLSX path) against ``target``.

        ``strict_scope`` counts containment under a scope condition as overlap (partial).
        See :func:`crosswalk.gap.analysis.gap_analysis`.
        """
        from crosswalk.gap.analysis import gap_analysis  # numpy: loaded on use

        return gap_analysis(
            self,
            self._inventory(inventory),
            target=target,
            profile=_profile(profile),
            risk_frameworks=risk_frameworks,
            scoring=scoring,
            strict_scope=strict_scope,
        )

    def sparql(self, query: str, *, engine: str = "auto", **bindings: Any) -> pd.DataFrame:
        """Run a SPARQL query over this knowledge base; values are bound, never spliced.

        Returns a pandas DataFrame (rdflib, or Oxigraph when installed).
        """
        from crosswalk.rdf import sparql  # rdflib: loaded on use

        return sparql.run_query(self, query, bindings=bindings or None, engine=engine)

    def query(self, name: str, *, engine: str = "auto", **params: Any) -> pd.DataFrame:
        """Run a named query from ``ontologies/queries/`` (``crosswalk queries`` lists them)."""
        from crosswalk.rdf import sparql  # rdflib: loaded on use

        return sparql.query(self, name, engine=engine, **params)

    def to_graph(self, **options: Any) -> rdflib.Graph:
        """The knowledge base as an rdflib Graph (see :func:`crosswalk.rdf.write.to_graph`)."""
        from crosswalk.rdf.write import to_graph  # rdflib: loaded on use

        return to_graph(self, **options)


def _profile(profile: ProfileLike) -> Profile | None:
    from crosswalk.model.inventory import Profile  # loads with the first profile

    if profile is None or isinstance(profile, Profile):
        return profile
    if isinstance(profile, Mapping):
        return Profile.model_validate(profile)
    from crosswalk.io.inventory import read_profile  # the readers load when a file is read

    return read_profile(profile)


def load(extra: Iterable[str | Path] = (), *, bundled: bool = True) -> KnowledgeBase:
    """Load the bundled knowledge base, plus the user's catalogue and mapping files.

    ``extra`` takes directories (searched recursively) or single YAML files. Every problem
    in every file is collected and raised once as a :class:`~crosswalk.model.errors.DataError`.
    """
    return _load(extra, bundled=bundled, kind=KnowledgeBase)
