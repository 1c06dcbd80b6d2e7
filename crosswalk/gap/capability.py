"""The capability estimate a reader can check (issue 18, §4) — provisional, replaceable.

Everything the estimate uses is stated in its output (:meth:`CapabilityEstimate.method`):

- **item points** = the scoring model's ``status_points`` of the item's status; for an
  item split into requirement parts, the mean of its parts' points (a covered part earns
  ``covered`` points, a partial one ``partial``, …), and for a partial item at least
  ``partial`` points for one of its parts;
- **maturity factor** = ``floor + (1 − floor) × (m − 1) / 4``, where *m* is the mean
  maturity (1–5) of the effective controls in the item's evidence; a control without a
  maturity counts as ``unrated``; an item without evidence earns no points, so its
  factor does not matter;
- **item score** = item points × maturity factor;
- **domain score** = 100 × the weighted mean of its item scores (``items`` weights);
- **overall** = Σ ``domains`` weight × domain score; the **level** is the last of
  ``levels`` whose ``min`` the score reaches.

``floor`` and ``unrated`` come from the model file's optional ``maturity:`` entry
(defaults 0.5 and 3, stated with every estimate). For each domain the estimate names the
next level, the points missing, and the items that would add most if covered at full
maturity. Ours is a provisional model for GB/T 46347; ``--scoring`` loads another.
"""

from __future__ import annotations

from dataclasses import dataclass

from crosswalk.gap.findings import Finding
from crosswalk.io.scoring import ScoringModel
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.inventory import Inventory

__all__ = ["CapabilityEstimate", "ItemScore", "estimate_capability"]

DEFAULT_FLOOR = 0.5
"""Maturity factor of maturity 1 when the model states none: half the points."""
DEFAULT_UNRATED = 3.0
"""Maturity counted for a control without one when the model states none: the middle."""


@dataclass(frozen=True)
class ItemScore:
    """How one capability item scored, with the numbers that made it."""

    clause: str
    title: str
    status: str
    points: float
    maturity: float | None
    factor: float
    weight: float

    @property
    def score(self) -> float:
        """Points × maturity factor (0–1)."""
        return self.points * self.factor


@dataclass(frozen=True)
class CapabilityEstimate:
    """A capability estimate per domain and overall, with its method and next steps."""

    model: ScoringModel
    domains: dict[str, float]
    overall: float
    items: dict[str, tuple[ItemScore, ...]]
    floor: float = DEFAULT_FLOOR
    unrated: float = DEFAULT_UNRATED

    @property
    def level(self) -> str:
        """The level label the overall score reaches."""
        return str(self.model.level_for(self.overall)["label"])

    def domain_level(self, domain: str) -> str:
        """The level label a domain's score reaches."""
        return str(self.model.level_for(self.domains[domain])["label"])

    def method(self) -> list[str]:
        """The formula, weights and thresholds, in words."""
        model = self.model
        points = ", ".join(f"{k} {v:g}" for k, v in model.status_points.items())
        weights = ", ".join(f"{k} {v:g}" for k, v in model.domains.items())
        levels = ", ".join(f"{level['label']} ≥ {float(level['min']):g}" for level in model.levels)
        return [
            f"model: {model.id} ({model.status}); replace it with --scoring",
            (
                f"item = status points ({points}; a split item: mean over its parts, a partial one at "
                "least one part's partial points)"
            ),
            (
                f"       × maturity factor {self.floor:g} + {1 - self.floor:g} × (m − 1)/4, m = mean "
                f"maturity of the controls in its evidence (unrated counts {self.unrated:g})"
            ),
            "domain = 100 × weighted mean of its items"
            + (" (item weights from the model)" if model.items else " (equal item weights)"),
            f"overall = Σ domain weight × domain score; weights: {weights}",
            f"levels: {levels}",
        ]

    def next_level(self, domain: str) -> str:
        """What would move ``domain`` up a level: points missing and the items that add most."""
        score = self.domains[domain]
        above = [lvl for lvl in self.model.levels if float(lvl["min"]) > score]
        if not above:
            return "highest level reached"
        target = min(above, key=lambda lvl: float(lvl["min"]))
        items = self.items.get(domain, ())
        total = sum(i.weight for i in items) or 1.0
        gains = sorted(
            ((100 * i.weight * (1 - i.score) / total, i) for i in items if i.score < 1),
            key=lambda pair: -pair[0],
        )
        needed = float(target["min"]) - score
        chosen, gained = [], 0.0
        for gain, item in gains:
            if gained >= needed:
                break
            chosen.append(f"{item.clause.split(':', 1)[-1]} (+{gain:.1f})")
            gained += gain
        return f"{needed:.1f} points to {target['label']}: cover at maturity 5 " + (
            ", ".join(chosen) if chosen else "its items"
        )

    def text_lines(self) -> list[str]:
        """The estimate for a terminal: scores, levels, what moves each domain, the method."""
        lines = [
            f"  capability estimate (provisional model): overall {self.overall} → {self.level}"
        ]
        for domain, score in self.domains.items():
            lines.append(f"    {domain:<14} {score:5.1f}  {self.domain_level(domain)}")
            lines.append(f"      up a level: {self.next_level(domain)}")
        lines.append("    how it is computed:")
        lines.extend(f"      {line}" for line in self.method())
        return lines


def estimate_capability(
    kb: KnowledgeBase,
    model: ScoringModel,
    target: str,
    findings: list[Finding],
    inventory: Inventory,
) -> CapabilityEstimate:
    """The estimate of ``findings`` under ``model`` (see the module doc)."""
    floor = model.maturity.get("floor", DEFAULT_FLOOR)
    unrated = model.maturity.get("unrated", DEFAULT_UNRATED)
    levels = {c.id: c.maturity for c in inventory.controls}
    by_id = {f.clause.id: f for f in findings}
    scores: dict[str, float] = {}
    details: dict[str, tuple[ItemScore, ...]] = {}
    for domain in model.domains:
        domain_id = f"{target}:{domain}"
        if domain_id not in kb.clauses:
            continue
        items = [
            c for c in kb.descendants(domain_id) if kb.clauses[c].kind == "capability_item"
        ] or [domain_id]
        scored = []
        for item in items:
            finding = by_id.get(item)
            weight = model.items.get(kb.clauses[item].local, 1.0)
            if finding is None:
                scored.append(ItemScore(item, kb.clauses[item].title, "-", 0.0, None, 0.0, weight))
                continue
            points = _points(model, finding)
            rated = [levels.get(c) for c in finding.controls]
            mean = (
                sum(float(m) if m is not None else unrated for m in rated) / len(rated)
                if rated
                else None
            )
            factor = floor + (1 - floor) * ((mean or 1.0) - 1) / 4
            scored.append(
                ItemScore(item, finding.clause.title, finding.status, points, mean, factor, weight)
            )
        total = sum(i.weight for i in scored) or 1.0
        scores[domain] = round(100 * sum(i.weight * i.score for i in scored) / total, 1)
        details[domain] = tuple(scored)
    weight_sum = sum(model.domains[d] for d in scores) or 1.0
    overall = round(sum(model.domains[d] * s for d, s in scores.items()) / weight_sum, 1)
    return CapabilityEstimate(model, scores, overall, details, floor, unrated)


def _points(model: ScoringModel, finding: Finding) -> float:
    """The status points of a finding; of a split one, the mean over its parts."""
    if finding.parts and finding.status != "covered":
        count = len(finding.parts)
        points = sum(model.status_points.get(p.status, 0.0) for p in finding.parts) / count
        if finding.status == "partial":  # its proven overlap lies in at least one part
            points = max(points, model.status_points.get("partial", 0.0) / count)
        return points
    return model.status_points.get(finding.status, 0.0)
