"""Text and HTML renderings for terminals and Jupyter."""

from __future__ import annotations

from crosswalk.display.html import (
    CHART_COLOURS,
    FRAMEWORK_PALETTE,
    RELATION_COLOURS,
    STATUS_COLOURS,
    clause_card_html,
    clause_html,
    clause_text,
    derivation_html,
    explanation_text,
    framework_card_html,
    framework_colour,
    framework_html,
    gap_html,
    gap_summary_text,
    knowledge_html,
    mapping_html,
    mapping_set_html,
    relation_html,
    safe_url,
    table_html,
)

__all__ = [
    "CHART_COLOURS",
    "FRAMEWORK_PALETTE",
    "RELATION_COLOURS",
    "STATUS_COLOURS",
    "clause_card_html",
    "clause_html",
    "clause_text",
    "derivation_html",
    "explanation_text",
    "framework_card_html",
    "framework_colour",
    "framework_html",
    "gap_html",
    "gap_summary_text",
    "knowledge_html",
    "mapping_html",
    "mapping_set_html",
    "relation_html",
    "safe_url",
    "table_html",
]
