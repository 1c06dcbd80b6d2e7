"""``ontologies/composition.ttl``: the composition table of ``composition.tsv`` as RDF."""

from __future__ import annotations

import os
from pathlib import Path

from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.resources import ontologies_dir
from crosswalk.reasoning.relations import Relation, composition_table

__all__ = [
    "composition_turtle",
    "write_composition",
]

# -- the composition table as RDF -------------------------------------------------------


def composition_turtle() -> str:
    """``ontologies/composition.ttl``: the RCC-5 composition table of composition.tsv as RDF."""
    lines = [
        "# RCC-5 composition of the STRM relations (docs/design.md, Composition) as RDF: one",
        "# cw:Composition per cell, A cw:left B and B cw:right C leave the cw:result relations",
        "# possible between A and C.",
        "# GENERATED from ontologies/composition.tsv by crosswalk.rdf.composition_turtle(); do not",
        "# edit. Regenerate with:",
        '#   python -c "import crosswalk.rdf as r; r.write_composition()"',
        "",
        "@prefix cw:      <https://w3id.org/crosswalk/ontology#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl:     <http://www.w3.org/2002/07/owl#> .",
        "",
        "<https://w3id.org/crosswalk/ontology/composition>",
        "    a owl:Ontology ;",
        '    dcterms:title "crosswalk vocabulary: RCC-5 composition table"@en ;',
        "    owl:imports <https://w3id.org/crosswalk/ontology> .",
    ]
    table = composition_table()
    for left in Relation:
        for right in Relation:
            results = [r for r in Relation if r in table[left, right]]
            lines += [
                "",
                f"cw:compose_{left.value}__{right.value} a cw:Composition ;",
                f"    cw:left cw:{left.value} ;",
                f"    cw:right cw:{right.value} ;",
                "    cw:result " + " , ".join(f"cw:{r.value}" for r in results) + " .",
            ]
    return "\n".join(lines) + "\n"


def write_composition(path: str | os.PathLike[str] | None = None) -> Path:
    """Regenerate ``ontologies/composition.ttl`` from ``ontologies/composition.tsv``."""
    target = Path(path) if path is not None else ontologies_dir() / "composition.ttl"
    return write_text_atomic(target, composition_turtle())
