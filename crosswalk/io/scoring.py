"""The capability scoring model file (``mappings/scoring/``): how statuses become a score.

Ours, for GB/T 46347, is provisional; a user can load the official one in its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.resources import mappings_dir
from crosswalk.io.yaml_read import load_yaml
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
    """Load a scoring model (default: the bundled provisional GB/T 46347 model).

    Read with the bounded, safe readers; any problem is a DataError naming the file and
    the key at fault.
    """
    path = Path(path) if path else mappings_dir() / "scoring" / "gbt46347-capability.yaml"
    document = load_yaml(read_text(path, limit=limit("data_file_bytes")), str(path))
    try:
        return _scoring_model(document, path)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
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


def _table(
    document: dict[str, Any], key: str, path: Path, *, required: bool = True
) -> dict[str, float]:
    """A table of numbers (``status_points``, ``domains``, ``items``), checked for shape."""
    value = document.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise DataError(
            [
                Problem(
                    str(path),
                    key,
                    "scoring-model",
                    f"`{key}` must be a mapping of names to numbers, not {type(value).__name__}",
                )
            ]
        )
    return {str(k): float(v) for k, v in value.items()}


def _scoring_model(document: Any, path: Path) -> ScoringModel:
    if not isinstance(document, dict) or not isinstance(document.get("model"), dict):
        raise DataError(
            [
                Problem(
                    str(path), "model", "scoring-model", "a scoring model needs a `model:` mapping"
                )
            ]
        )
    model = document["model"]
    levels = document.get("levels")
    if not isinstance(levels, list) or not levels or not all(isinstance(x, dict) for x in levels):
        raise DataError(
            [Problem(str(path), "levels", "scoring-model", "`levels` must be a list of mappings")]
        )
    return ScoringModel(
        id=str(model["id"]),
        framework=str(model["framework"]),
        status=str(model.get("status", "provisional")),
        note=str(model.get("note", "")),
        status_points=_table(document, "status_points", path),
        domains=_table(document, "domains", path),
        items=_table(document, "items", path, required=False),
        levels=tuple(sorted(levels, key=lambda level: float(level["min"]))),
        path=str(path),
        maturity={k: float(v) for k, v in (document.get("maturity") or {}).items()},
    )
