"""The SVG charts: well-formed, accessible, true to the numbers, and safe with hostile text."""

import math
import re

import pytest
from lxml import etree

from audits.charts import (
    BAND_COLOURS,
    SEVERITY_COLOURS,
    category_bars_svg,
    score_gauge_svg,
    score_trend_svg,
    severity_donut_svg,
)
from audits.vocabulary import categories_in_order, category_label

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'apos' ]]> \x00\x1b"


def parse(svg: str) -> etree._Element:
    root = etree.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert not root.findall(f".//{SVG}script") and "<script" not in svg
    return root


def texts(root) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def arc_end_fraction(path_data: str, centre: float) -> float:
    """How far round (0-1, clockwise from 12 o'clock) an arc path ends."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_data)]
    x, y = numbers[-2] - centre, numbers[-1] - centre
    return (math.degrees(math.atan2(x, -y)) % 360) / 360


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "good"), (90, "good"), (89, "fair"), (50, "fair"), (49, "poor"), (7, "poor")],
)
def test_gauge_colour_follows_lighthouse_bands(score, band):
    root = parse(score_gauge_svg(score=score, size=160, label="Overall"))
    arc = root.find(f".//{SVG}path[@class='gauge-arc']")
    assert arc.get("stroke") == BAND_COLOURS[band][0]
    assert root.get("data-band") == band
    assert str(score) in texts(root)
    assert root.get("aria-label") == f"Overall: {score} out of 100"


@pytest.mark.parametrize("score", [1, 25, 50, 72, 99])
def test_gauge_arc_runs_round_in_proportion_to_the_score(score):
    root = parse(score_gauge_svg(score=score, size=160))
    arc = root.find(f".//{SVG}path[@class='gauge-arc']").get("d")
    assert arc_end_fraction(arc, 80) == pytest.approx(score / 100, abs=0.002)
    large_arc_flag = arc.split()[7]
    assert large_arc_flag == ("1" if score > 50 else "0")


def test_gauge_full_and_empty_scores():
    full = parse(score_gauge_svg(score=100))
    # A full turn is two half arcs, which every renderer draws (one arc whose ends meet is not).
    assert full.find(f".//{SVG}path[@class='gauge-arc']").get("d").count("A") == 2
    empty = parse(score_gauge_svg(score=0))
    assert empty.find(f".//{SVG}path[@class='gauge-arc']") is None
    assert "0" in texts(empty)


def test_gauge_without_a_score_shows_a_dash_and_says_not_measured():
    root = parse(score_gauge_svg(score=None, label="Performance"))
    assert root.find(f".//{SVG}path[@class='gauge-arc']") is None
    assert "–" in texts(root)
    assert root.get("aria-label") == "Performance: not measured"
    assert root.get("data-band") == "none"


def test_gauge_label_is_escaped():
    svg = score_gauge_svg(score=80, label=HOSTILE)
    root = parse(svg)
    label = root.find(f".//{SVG}text[@class='gauge-label']").text
    assert label == HOSTILE.replace("\x00", "").replace("\x1b", "")


def rows(scores: dict) -> list[dict]:
    """Category rows as the report selectors give them: in the vocabulary's order."""
    return [
        {"label": category_label(key), "score": scores[key]} for key in categories_in_order(scores)
    ]


def test_category_bars_are_as_long_as_the_scores():
    scores = {"performance": None, "content": 100, "onpage": 80, "technical": 40}
    root = parse(category_bars_svg(rows=rows(scores), width=500))
    bars = {int(bar.get("data-score")): bar for bar in root.iter(f"{SVG}rect") if bar.get("class")}
    assert set(bars) == {80, 40, 100}
    widths = {score: float(bar.get("width")) for score, bar in bars.items()}
    assert widths[80] / widths[100] == pytest.approx(0.8)
    assert widths[40] / widths[100] == pytest.approx(0.4)
    assert bars[40].get("fill") == BAND_COLOURS["poor"][0]
    assert bars[100].get("fill") == BAND_COLOURS["good"][0]
    shown = texts(root)
    # Labels in the vocabulary's category order, not the order of the scores dict.
    assert [t for t in shown if t in ("On-page", "Technical", "Content", "Performance")] == [
        "On-page",
        "Technical",
        "Content",
        "Performance",
    ]
    assert "not measured" in shown
    assert "Performance: not measured" in root.get("aria-label")


def test_category_bars_escape_hostile_labels_and_keep_unknown_categories():
    root = parse(category_bars_svg(rows=[{"label": HOSTILE, "score": 55}]))
    assert texts(root)[0] == HOSTILE.replace("\x00", "").replace("\x1b", "")
    root = parse(category_bars_svg(rows=rows({"speed_index": 12, "links": 80})))
    assert [t for t in texts(root) if not t.isdigit()] == ["Links", "Speed index"]


def test_category_bars_without_scores():
    root = parse(category_bars_svg(rows=[]))
    assert texts(root) == ["No category scores yet"]


def test_category_scores_stored_as_dicts_are_read():
    root = parse(category_bars_svg(rows=rows({"onpage": {"score": 66}})))
    assert "66" in texts(root)


def test_trend_draws_one_dot_per_audit_on_a_0_to_100_axis():
    points = [("1 Mar", 40), ("8 Mar", 65), ("15 Mar", 92)]
    root = parse(score_trend_svg(points=points, width=600, height=180))
    dots = list(root.iter(f"{SVG}circle"))
    assert [int(dot.get("data-score")) for dot in dots] == [40, 65, 92]
    ys = [float(dot.get("cy")) for dot in dots]
    assert ys[0] > ys[1] > ys[2]  # higher score, higher on the chart
    # y is linear in the score: equal steps of score make equal steps on the axis.
    assert (ys[0] - ys[1]) / (65 - 40) == pytest.approx((ys[1] - ys[2]) / (92 - 65))
    xs = [float(dot.get("cx")) for dot in dots]
    assert xs == sorted(xs)
    line = root.find(f"{SVG}polyline")
    assert len(line.get("points").split()) == 3
    assert {"0", "50", "100", "1 Mar", "15 Mar"} <= set(texts(root))
    assert dots[2].get("fill") == BAND_COLOURS["good"][0]


def test_trend_with_one_point_is_a_single_dot():
    root = parse(score_trend_svg(points=[("today", 77)]))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert root.find(f"{SVG}polyline") is None
    assert "today" in texts(root)


def test_trend_without_points_says_so():
    root = parse(score_trend_svg(points=[]))
    assert not list(root.iter(f"{SVG}circle"))
    assert "No completed audits yet" in texts(root)


def test_trend_leaves_a_gap_for_an_audit_without_score_and_escapes_labels():
    points = [("a", 10), ("b", 20), (HOSTILE, None), ("d", 30), ("e", 40)]
    root = parse(score_trend_svg(points=points))
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4


def test_trend_accepts_dates_and_thins_out_crowded_labels():
    import datetime

    start = datetime.date(2025, 1, 1)
    points = [(start + datetime.timedelta(days=7 * i), 50 + i) for i in range(40)]
    root = parse(score_trend_svg(points=points, width=600))
    labels = [t for t in texts(root) if t.endswith(" 2025")]
    assert 2 <= len(labels) <= 8
    assert labels[-1] == "1 October 2025"  # the latest audit is always labelled


def test_donut_segments_match_the_counts():
    counts = {"critical": 10, "warning": 30, "notice": 60}
    root = parse(severity_donut_svg(counts=counts, size=120))
    segments = root.findall(f".//{SVG}path")
    assert [int(s.get("data-count")) for s in segments] == [10, 30, 60]
    assert [s.get("stroke") for s in segments] == [
        SEVERITY_COLOURS["critical"],
        SEVERITY_COLOURS["warning"],
        SEVERITY_COLOURS["notice"],
    ]
    ends = [arc_end_fraction(s.get("d"), 60) for s in segments]
    assert ends[0] == pytest.approx(0.1, abs=0.002)
    assert ends[1] == pytest.approx(0.4, abs=0.002)
    assert ends[2] % 1 == pytest.approx(0.0, abs=0.002)
    assert "100" in texts(root)
    assert "Critical: 10" in root.get("aria-label")


def test_donut_with_one_severity_is_a_full_ring_and_with_none_is_empty():
    root = parse(severity_donut_svg(counts={"warning": 4}))
    (segment,) = root.findall(f".//{SVG}path")
    assert segment.get("d").count("A") == 2
    assert {"Critical", "Notice"} <= set(texts(root))  # the legend lists all three
    root = parse(severity_donut_svg(counts={}))
    assert not root.findall(f".//{SVG}path")
    assert "0" in texts(root)
