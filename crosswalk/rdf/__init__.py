"""RDF: export and import of a knowledge base, safe parsing, and SPARQL.

:mod:`~crosswalk.rdf.terms` (the vocabulary's terms and the formats),
:mod:`~crosswalk.rdf.write` (a knowledge base as a graph and a file),
:mod:`~crosswalk.rdf.parse` (user RDF, safely), :mod:`~crosswalk.rdf.read` (an export
back into a knowledge base), :mod:`~crosswalk.rdf.composition` (the composition table
as RDF), :mod:`~crosswalk.rdf.sparql` (queries in process; beside it
:mod:`~crosswalk.rdf.values`, :mod:`~crosswalk.rdf.engines` and
:mod:`~crosswalk.rdf.extra`) and :mod:`~crosswalk.rdf.endpoint` (SPARQL endpoints).
"""

from __future__ import annotations

from crosswalk.model.ids import BASE, eli_subdivision_iri
from crosswalk.rdf.composition import composition_turtle, write_composition
from crosswalk.rdf.endpoint import publish, query_endpoint
from crosswalk.rdf.parse import offline, parse_graph, read_graph
from crosswalk.rdf.read import read_rdf, to_knowledge_base
from crosswalk.rdf.terms import AIRO, CW, RDF_FORMATS, clause_iri, framework_iri, mapping_iri
from crosswalk.rdf.write import to_graph, to_ntriples, write_rdf

__all__ = [
    "AIRO",
    "BASE",
    "CW",
    "RDF_FORMATS",
    "clause_iri",
    "composition_turtle",
    "eli_subdivision_iri",
    "framework_iri",
    "mapping_iri",
    "offline",
    "parse_graph",
    "publish",
    "query_endpoint",
    "read_graph",
    "read_rdf",
    "to_graph",
    "to_knowledge_base",
    "to_ntriples",
    "write_composition",
    "write_rdf",
]
