"""A mapping may name a clause by an alias; everything downstream sees the canonical id."""

from __future__ import annotations

from pathlib import Path

import crosswalk
from crosswalk.reasoning.relations import RelationSet

# aisgf2 catalogues 3.1.1.f with the alias 3.1.open_source (its id before the v2.0
# restructuring); a user's file written against the old id must keep working.
ALIAS_MAPPINGS = """\
mapping_set:
  id: user-aisgf2-aisgf1
  title: a user's file that uses an old clause id
  subject_framework: aisgf2
  object_framework: aisgf1
  author: someone
  date: 2026-11-01
mappings:
  - subject: aisgf2:3.1.open_source
    relation: subset_of
    object: aisgf1:3.1
    strength: 5
    rationale: semantic
    justification: an open-source risk item lies inside the v1.0 risk section
"""


def test_a_mapping_that_names_a_clause_by_alias_reasons_on_the_canonical_clause(
    tmp_path: Path,
) -> None:
    (tmp_path / "user.yaml").write_text(ALIAS_MAPPINGS, encoding="utf-8")
    kb = crosswalk.load([tmp_path])
    canonical = kb.clause("aisgf2:3.1.open_source").id
    assert canonical == "aisgf2:3.1.1.f"
    (row,) = [m for m in kb.mappings if m.mapping_set == "user-aisgf2-aisgf1"]
    assert row.subjects == (canonical,)
    assert not [p for p in kb.validate() if "user.yaml" in p.file]
    inferred = kb.relation(canonical, "aisgf1:3.1")
    assert inferred.relations == RelationSet.of("subset_of")
    assert inferred.derivation is not None
