"""Rich display.

The HTML of every displayable object is well formed, escapes hostile text, and carries the key facts
(status colours, bilingual titles, derivation steps).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from html.parser import HTMLParser

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.display import (
    CHART_COLOURS,
    STATUS_COLOURS,
    clause_card_html,
    clause_html,
    framework_html,
    gap_html,
    knowledge_html,
    relation_html,
    safe_url,
)
from crosswalk.display.views import (
    clause_view,
    coverage_frame,
    framework_view,
    links_of,
    neighbourhood,
)
from crosswalk.model.inventory import ClauseRef, Control, Inventory
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet, Source

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ZH = "风险<img src=x onerror=alert(1)>"
HOSTILE_WHY = "<iframe src=//evil.example></iframe> & more"
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Checker(HTMLParser):
    """Collects start tags and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def well_formed(html: str) -> _Checker:
    """Parse ``html``; fail on unbalanced tags, script, iframes, images and javascript: links."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, f"unclosed: {checker.stack}"
    assert not {"script", "iframe", "img", "object", "embed"} & set(checker.tags)
    for name, value in checker.attributes:
        assert not name.startswith("on"), f"event handler attribute {name}"
        if name == "href":
            assert value and value.startswith(("http://", "https://", "mailto:")), value
    return checker


def text_of(html: str) -> str:
    return "".join(well_formed(html).text)


# -- a small hostile knowledge base ------------------------------------------------------


def _framework(prefix: str, short: str, **more: object) -> Framework:
    return Framework(
        prefix=prefix,
        title=f"Framework {short} <b>bold</b>",
        short_name=short,
        kind="standard",
        iri_base=f"https://example.org/{prefix}/",
        sources=(Source(id="S", title="source <i>x</i>", url="javascript:alert(1)"),),
        **more,  # type: ignore[arg-type]
    )


def _clause(
    prefix: str, local: str, title: str, *, order: int, kind: str = "requirement", **more: object
) -> Clause:
    return Clause(
        id=f"{prefix}:{local}",
        framework=prefix,
        local=local,
        kind=kind,  # type: ignore[arg-type]
        title=title,
        status="confirmed",
        source="S",
        order=order,
        **more,  # type: ignore[arg-type]
    )


def _mapping_set(subject: str, obj: str, rows: list[tuple[str, str, str]]) -> MappingSet:
    mappings = tuple(
        Mapping(
            id=f"{subject}-{obj}/{index}",
            subjects=(s,),
            relation=relation,  # type: ignore[arg-type]
            object=o,
            strength=7,
            rationale="semantic",
            justification=HOSTILE_WHY,
            source="test",
            author="tester",
            date=dt.date(2026, 1, 1),
            confidence=0.8,
            mapping_set=f"{subject}-{obj}",
            path=f"crosswalks/{subject}-{obj}.yaml",
            index=index,
        )
        for index, (s, relation, o) in enumerate(rows)
    )
    return MappingSet(
        id=f"{subject}-{obj}",
        title=f"{subject} to {obj} <u>",
        subject_framework=subject,
        object_framework=obj,
        source="test",
        author="tester",
        date=dt.date(2026, 1, 1),
        mappings=mappings,
    )


@pytest.fixture(scope="module")
def hostile_kb() -> KnowledgeBase:
    """Three frameworks.

    A:x = b:y ⊂ c:z (so a:x ⊂ c:z by composition through b:y), b:y addresses the risk c:risk, and
    c:w is linked to nothing.
    """
    frameworks = [
        _framework("a", "A-STD"),
        _framework("b", "B-REG", title_zh="乙<script>"),
        _framework("c", "C-GUIDE", title_zh="丙标准"),
    ]
    clauses = [
        _clause(
            "a",
            "x",
            HOSTILE,
            order=0,
            url="javascript:alert(1)",
            summary="ours & <em>not</em> theirs",
        ),
        _clause(
            "b",
            "y",
            "Risk identification",
            order=0,
            title_zh="风险识别",
            url="https://example.org/b/y",
        ),
        _clause("c", "z", "Risk treatment", order=0, title_zh=HOSTILE_ZH),
        _clause("c", "w", "Monitoring", order=1, title_zh="监测"),
        _clause("c", "risk", "Data bias", order=2, kind="risk_source", title_zh="数据偏见"),
    ]
    sets = [
        _mapping_set("a", "b", [("a:x", "equal", "b:y")]),
        _mapping_set("b", "c", [("b:y", "addresses", "c:risk"), ("b:y", "subset_of", "c:z")]),
    ]
    return KnowledgeBase(frameworks, clauses, sets)


@pytest.fixture(scope="module")
def hostile_report(hostile_kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    inventory = Inventory(
        organisation="<b>Org</b> & Co",
        controls=(
            Control(
                id="C-1", title=HOSTILE, status="implemented", implements=(ClauseRef(clause="a:x"),)
            ),
        ),
    )
    return hostile_kb.gap(inventory, target="c")


# -- escaping and well-formedness ---------------------------------------------------------


def test_safe_url_refuses_script_links() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert (
        safe_url("https://eur-lex.europa.eu/eli/reg/2024/1689/oj")
        == "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    )


def test_clause_card_escapes_and_shows_both_titles(hostile_kb: KnowledgeBase) -> None:
    html = hostile_kb.clause("a:x")._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in text_of(html)  # shown to the reader as text
    assert 'href="javascript' not in html  # shown as text, never made a link
    zh = hostile_kb.clause("c:z")._repr_html_()
    text = text_of(zh)
    assert "Risk treatment" in text and HOSTILE_ZH in text
    linked = clause_card_html(hostile_kb.clause("b:y"), framework=hostile_kb.framework("b"))
    assert 'href="https://example.org/b/y"' in linked and "风险识别" in text_of(linked)


def test_clause_html_lists_neighbours_across_frameworks(hostile_kb: KnowledgeBase) -> None:
    html = clause_html(hostile_kb, hostile_kb.clause("b:y"))
    text = text_of(html)
    assert "A-STD" in text and "C-GUIDE" in text
    assert "a:x" in text and "c:z" in text and HOSTILE in text
    assert "⊂ subset_of" in text  # b:y subset_of c:z, as asserted
    assert HOSTILE_WHY in text
    # seen from c:z the same mapping reads the other way round
    assert "⊃ superset_of" in text_of(clause_html(hostile_kb, hostile_kb.clause("c:z")))
    # inference adds a:x ⊂ c:z, which no mapping asserts
    inferred = clause_html(hostile_kb, hostile_kb.clause("a:x"))
    assert "Inferred across frameworks" in inferred and "c:z" in text_of(inferred)


def test_clause_view_object(hostile_kb: KnowledgeBase) -> None:
    view = clause_view(hostile_kb, "b:y")
    html = view._repr_html_()
    well_formed(html)
    assert "<svg" in html
    assert "b:y" in str(view)
    assert {link.target for link in view.links() if link.kind == "mapping"} == {
        "a:x",
        "c:risk",
        "c:z",
    }


def test_links_are_oriented_from_the_clause(hostile_kb: KnowledgeBase) -> None:
    relations = {
        (link.target, link.relation) for link in links_of(hostile_kb, "c:z", inferred=True)
    }
    assert ("b:y", "superset_of") in relations
    assert ("a:x", "superset_of") in relations  # inferred: c:z ⊃ a:x
    assert ("b:y", "addressed_by") in {
        (l.target, l.relation) for l in links_of(hostile_kb, "c:risk")
    }


def test_relation_html_shows_derivation_steps(hostile_kb: KnowledgeBase) -> None:
    result = hostile_kb.relation("a:x", "c:z")
    html = relation_html(result)
    text = text_of(html)
    assert "subset_of" in text and "partial" in text
    assert STATUS_COLOURS["partial"] in html
    assert "composition through" in text and "b:y" in text
    assert "crosswalks/a-b.yaml mapping #1" in text and "crosswalks/b-c.yaml mapping #2" in text
    assert HOSTILE_WHY in text and "<iframe" not in html
    assert "Supporting paths" in text and "strength (weakest link)" in text
    assert "<pre" in html  # the plain-text explanation stays available


def test_relation_html_when_nothing_is_known(hostile_kb: KnowledgeBase) -> None:
    text = text_of(hostile_kb.relation("a:x", "c:w")._repr_html_())
    assert "nothing can be concluded" in text and "undetermined" in text


def test_framework_and_knowledge_html(hostile_kb: KnowledgeBase) -> None:
    card = hostile_kb.framework("b")._repr_html_()
    text = text_of(card)
    assert "Framework B-REG <b>bold</b>" in text and "乙<script>" in text
    assert "javascript:" not in card
    overview = framework_html(hostile_kb, hostile_kb.framework("c"))
    assert "3 clauses" in text_of(overview) and "丙标准" in text_of(overview)
    assert "framework" in text_of(framework_view(hostile_kb, "a")._repr_html_()).lower()
    whole = knowledge_html(hostile_kb)
    assert "3 frameworks, 5 clauses, 3 mappings" in text_of(whole)


def test_mapping_and_mapping_set_html(hostile_kb: KnowledgeBase) -> None:
    mapping_set = hostile_kb.mapping_sets[1]
    text = text_of(mapping_set._repr_html_())
    assert "b to c <u>" in text and "2 mappings" in text and HOSTILE_WHY in text
    single = text_of(mapping_set.mappings[1]._repr_html_())
    assert "b:y" in single and "subset_of" in single and "crosswalks/b-c.yaml mapping #2" in single


def test_gap_html_colours_groups_and_escapes(hostile_report) -> None:  # type: ignore[no-untyped-def]
    assert hostile_report.status("c:z") == "partial"
    assert hostile_report.status("c:w") == "gap"
    html = gap_html(hostile_report)
    text = text_of(html)
    for status in ("partial", "gap"):
        assert STATUS_COLOURS[status] in html and CHART_COLOURS[status] in html
    assert "<b>Org</b> & Co" in text and "C-GUIDE" in text and "丙标准" in text
    assert HOSTILE_ZH in text and "监测" in text  # bilingual titles of findings
    assert "c:z" in text and "c:w" in text and "C-1" in text
    assert text.count("c:z") >= 2  # section summary and the finding row
    assert "Risk sources" in text and "addressed" in text and "数据偏见" in text
    assert hostile_report._repr_html_() == html


def test_gap_html_of_a_real_report(kb: KnowledgeBase) -> None:
    from tests.conftest import EXAMPLES

    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    html = report._repr_html_()
    text = text_of(html)
    assert "capability" in text.lower() and "provisional" in text
    assert "风险" in text  # Chinese headings of GB/T 46347
    assert html.count("<details") >= len(report.sections)


# -- graph views --------------------------------------------------------------------------


def test_neighbourhood_svg_is_well_formed_and_escaped(hostile_kb: KnowledgeBase) -> None:
    view = neighbourhood(hostile_kb, "b:y", interactive=False)
    assert set(view.nodes) == {"a:x", "b:y", "c:z", "c:risk"}
    assert view.nodes["b:y"] == 0
    svg = view.to_svg()
    checker = well_formed(svg)
    assert checker.tags[0] == "svg" and "circle" in checker.tags and "line" in checker.tags
    assert "&lt;script&gt;" in svg and HOSTILE_ZH not in svg
    assert "javascript:" not in svg
    html = view._repr_html_()
    well_formed(html)
    bundle = view._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.jupyter.widget-view+json" not in bundle
    assert _same_ids(bundle["image/svg+xml"]) == _same_ids(svg)
    frame = view.to_frame()
    assert set(frame["relation"]) == {"equal", "subset_of", "addresses"}
    graph = view.to_networkx()
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() == 3


def test_neighbourhood_depth_and_limits(hostile_kb: KnowledgeBase) -> None:
    assert set(neighbourhood(hostile_kb, "a:x").nodes) == {"a:x", "b:y"}
    two = neighbourhood(hostile_kb, "a:x", depth=2)
    assert two.nodes == {"a:x": 0, "b:y": 1, "c:risk": 2, "c:z": 2}
    small = neighbourhood(hostile_kb, "a:x", depth=2, max_nodes=2)
    assert len(small.nodes) == 2 and small.left_out == 2
    inferred = neighbourhood(hostile_kb, "a:x", inferred=True)
    assert any(link.kind == "inferred" and link.target == "c:z" for link in inferred.links)
    with pytest.raises(ValueError):
        neighbourhood(hostile_kb, "a:x", depth=0)
    with pytest.raises(KeyError):
        neighbourhood(hostile_kb, "a:nope")


def test_neighbourhood_of_a_bundled_clause(kb: KnowledgeBase) -> None:
    view = neighbourhood(kb, "iso31000:6.4.2", depth=2, interactive=False)
    assert {"gbt24353:6.4.2", "iso23894:6.4.2"} <= set(view.nodes)
    assert len({kb.clauses[n].framework for n in view.nodes}) >= 3
    well_formed(view._repr_html_())


def _same_ids(svg: str) -> str:
    """The drawing with its per-drawing marker ids (unique in a page) made equal."""
    return re.sub(r"\bcw\d+-", "cw-", svg)


def test_widget_when_ipycytoscape_is_installed(hostile_kb: KnowledgeBase) -> None:
    pytest.importorskip("ipycytoscape")
    view = neighbourhood(hostile_kb, "b:y", interactive=True)
    widget = view.widget()
    assert len(widget.graph.nodes) == 4
    bundle = view._repr_mimebundle_()
    # the static drawing travels with the widget: HTML exports and kernel-less viewers use it
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = _same_ids(bundle["image/svg+xml"])
    assert well_formed(static).tags[0] == "svg" and static == _same_ids(view.to_svg())
    assert static in _same_ids(bundle["text/html"])


# -- charts -------------------------------------------------------------------------------


def test_coverage_frame(hostile_kb: KnowledgeBase) -> None:
    share = coverage_frame(hostile_kb)
    assert list(share.index) == ["a", "b", "c"]
    assert share.loc["a", "b"] == 1.0  # a's only clause is linked to b
    assert share.loc["c", "b"] == pytest.approx(2 / 3)  # c:z and c:risk of three
    assert share.loc["a", "c"] == 0.0  # inferred links do not count
    assert math.isnan(share.loc["a", "a"])
    counts = coverage_frame(hostile_kb, measure="mappings")
    assert counts.loc["b", "c"] == counts.loc["c", "b"] == 2
    with pytest.raises(ValueError):
        coverage_frame(hostile_kb, measure="nonsense")  # type: ignore[arg-type]


def test_charts_are_figures(hostile_kb: KnowledgeBase, hostile_report) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from crosswalk.display.views import coverage_heatmap, domain_chart

    heatmap = coverage_heatmap(hostile_kb)
    assert isinstance(heatmap, Figure)
    texts = [t.get_text() for t in heatmap.axes[0].texts]
    assert "100%" in texts and "—" in texts
    chart = domain_chart(hostile_report)
    assert isinstance(chart, Figure)
    legend = chart.axes[0].get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["partial", "gap"]
