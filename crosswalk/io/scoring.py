"""The capability scoring model file (``mappings/scoring/``): how statuses become a score.

Ours, for GB/T 46347, is provisional; a user can load the official one in its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crosswalk.io.resources import mappings_dir
from crosswalk.model.errors import DataError, Problem

__all__ = ["ScoringModel", "load_scoring_model"]


@dataclass(frozen=True)
class ScoringModel:
    """A capability scoring model (data file; ours is provisional)."""

    id: str
    framework: str
    status: str
    note: str
    status_points: dict[str, float]
    domains: dict[str, float]
    items: dict[str, float]
    levels: tuple[dict[str, Any], ...]
    path: str
    maturity: dict[str, float] = field(default_factory=dict)
    """How control maturity weighs (``floor``, ``unrated``; :mod:`crosswalk.gap.capability`)."""

    def level_for(self, score: float) -> dict[str, Any]:
        """The highest level whose threshold the score reaches."""
        reached = [level for level in self.levels if score >= float(level["min"])]
        return max(reached, key=lambda level: float(level["min"])) if reached else self.levels[0]


def load_scoring_model(path: str | Path | None = None) -> ScoringModel:
    """Load a scoring model (default: the bundled provisional GB/T 46347 model)."""
    path = Path(path) if path else mappings_dir() / "scoring" / "gbt46347-capability.yaml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        model = document["model"]
        return _scoring_model(document, model, path)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise DataError(
            [
                Problem(
                    str(path),
                    "",
                    "scoring-model",
                    f"cannot read the scoring model: {type(error).__name__}: {error}",
                )
            ]
        ) from None


def _scoring_model(document: Any, model: Any, path: Path) -> ScoringModel:
    return ScoringModel(
        id=str(model["id"]),
        framework=str(model["framework"]),
        status=str(model.get("status", "provisional")),
        note=str(model.get("note", "")),
        status_points={k: float(v) for k, v in document["status_points"].items()},
        domains={k: float(v) for k, v in document["domains"].items()},
        items={k: float(v) for k, v in (document.get("items") or {}).items()},
        levels=tuple(sorted(document["levels"], key=lambda level: float(level["min"]))),
        path=str(path),
        maturity={k: float(v) for k, v in (document.get("maturity") or {}).items()},
    )
