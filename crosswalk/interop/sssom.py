"""SSSOM/TSV (SSSOM 1.1): read and write mapping sets without losing anything.

>>> import crosswalk, tempfile, pathlib
>>> from crosswalk.model import to_dict
>>> kb = crosswalk.load()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "iso23894-iso31000.sssom.tsv"
>>> mapping_set = next(s for s in kb.mapping_sets if s.id == "iso23894-iso31000")
>>> _ = write_sssom(mapping_set, path, kb=kb)
>>> def rows(mappings):  # the file lists rows in SSSOM's canonical order, not ours
...     return sorted(str(to_dict(m, exclude={"path", "index"})) for m in mappings)
>>> rows(read_sssom(path).mappings) == rows(mapping_set.mappings)
True

How crosswalk's model is written in SSSOM
-----------------------------------------
*Identifiers.* A clause id ``iso31000:6.4.2`` is already a CURIE; the ``curie_map``
declares each clause prefix used, bound to the framework's IRI base
(``https://w3id.org/crosswalk/clause/<prefix>/``, or the official one such as ELI for
``euaiact``), so that each CURIE expands to the clause's IRI in RDF (under an ELI base
the CURIE's local part is the ELI path, ``euaiact:art_9/par_2/pnt_a/oj``; see
:mod:`crosswalk.model.ids`). ``crosswalk:`` is ``https://w3id.org/crosswalk/ontology#``
(older files used ``…/vocab#``, still read) and
``crosswalkmapping:`` is ``https://w3id.org/crosswalk/mapping/`` (``record_id`` holds
our mapping id). ``mapping_set_id`` is ``https://w3id.org/crosswalk/mappingset/<id>``
(``…/mapping-set/<id>`` is still read).
When reading, a CURIE's *IRI* decides the clause: a file may name prefixes as it likes.

*Union subjects* (``subject: [a, b]``) are written as one composed entity,
``subject_id = crosswalk:union(a,b)`` with ``subject_type = composed entity expression``;
members keep their order, and each member is itself a CURIE of the file.

*Relations.* ``predicate_id`` carries the SKOS rendering of each relation (docs/design.md, *Relations*)
(:mod:`crosswalk.interop.vocabulary`): ``no_relationship`` is ``skos:relatedMatch`` with
``predicate_modifier = Not`` ("not related"), ``addresses`` is ``crosswalk:addresses``.
SKOS cannot say "intersects", so the exact relation, strength and rationale travel in
declared extension slots (``extension_definitions``):

========================  ==============================  ========================================
slot                      property                        value
========================  ==============================  ========================================
``ext_strm_relation``     ``crosswalk:strmRelation``      relation name
``ext_strm_strength``     ``crosswalk:strmStrength``      1–10
``ext_strm_rationale``    ``crosswalk:strmRationale``     syntactic | semantic | functional
``ext_source``            ``crosswalk:source``            who asserted it (a source id)
``ext_scope_condition``   ``crosswalk:scopeCondition``    scope condition (mappings/README.md §6)
``ext_review_evidence``   ``crosswalk:reviewEvidence``    second review: where the containment shows
``ext_review_source``     ``crosswalk:reviewSource``      second review: the source id consulted
``ext_mapping_set``       ``crosswalk:mappingSet``        set id (files of several sets)
========================  ==============================  ========================================

The other fields use standard slots: ``comment`` = justification, ``author_label``,
``mapping_date`` (condensed to the set when all rows share it), ``confidence``,
``reviewer_label`` and ``review_date`` (SSSOM 1.1) = who did the second review and when,
``mapping_justification`` = ``semapv:ManualMappingCuration`` for curated sets and
``semapv:LogicalReasoning`` for generated ones (the `equal` rows deduced from an
adoption declaration; ``semapv:MappingChaining`` is kept for inferred chains).

*The set header* uses ``mapping_set_title``, ``mapping_set_description``, ``license``
(an SPDX id becomes ``https://spdx.org/licenses/<id>.html``; none becomes SSSOM's
"unspecified" licence), ``creator_label`` = default author and ``publication_date`` =
default date; the rest goes to set-level extension slots: ``ext_subject_framework``,
``ext_object_framework``, ``ext_default_source``, ``ext_derived`` and ``ext_sources``
(the cited crosswalks as a JSON string, since extension values must be scalars). A file
of several sets carries every header in ``ext_mapping_sets`` (JSON) and each row's set
id in ``ext_mapping_set``; read it with :func:`read_sssom_sets`.

*Foreign files* (no extension slots) are read too: exact/broad/narrow matches and
negated relatedMatch are unambiguous; a bare ``skos:relatedMatch`` or ``closeMatch`` is
refused, because it does not say the two clauses overlap. Missing strength and
rationale default to 5 and ``semantic``; a missing comment to a note naming the file.
"""

from __future__ import annotations

from crosswalk.interop.sssom_read import (
    read_sssom,
    read_sssom_sets,
)
from crosswalk.interop.sssom_terms import (
    SET_IRI,
)
from crosswalk.interop.sssom_write import (
    write_sssom,
)
from crosswalk.model.ids import (
    MAPPING_IRI,
)

__all__ = ["MAPPING_IRI", "SET_IRI", "read_sssom", "read_sssom_sets", "write_sssom"]
