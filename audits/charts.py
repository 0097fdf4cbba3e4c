"""Server-rendered SVG charts for the report page, the history page and the PDF.

The geometry is worked out here; the markup is in ``templates/charts/*.svg``, Django templates
that autoescape every text. Each function returns a self-contained ``<svg>`` (safe for
templates): no script, no external font or stylesheet, presentation in attributes only, so a
browser and WeasyPrint draw the same picture. Every chart is an image with an accessible name
(``role="img"``, ``aria-label`` and a ``<title>``).

Scores use Lighthouse's bands: 0-49 poor (red), 50-89 needs improvement (amber), 90-100 good
(green); see https://developer.chrome.com/docs/lighthouse/performance/performance-scoring.
Which severities and categories exist, their order and their names come from
:mod:`audits.vocabulary`; this module only draws them.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .vocabulary import Severity, severity_label, severity_rank

# DejaVu Sans is on every Debian host that renders PDFs; Verdana has near-identical metrics on
# desktops, so labels measured for one fit in the other.
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#162033"
INK_SOFT = "#4b5668"
LINE = "#dfe4ec"
TRACK = "#eaeef3"
BRAND = "#0f766e"

# band: (stroke/fill of the mark, text colour with AA contrast on white, soft background)
BAND_COLOURS: dict[str, tuple[str, str, str]] = {
    "good": ("#12b76a", "#067647", "#e7f6ee"),
    "fair": ("#f79009", "#b54708", "#fff4e5"),
    "poor": ("#e5372b", "#b42318", "#fdecea"),
    "": ("#98a2b3", "#667085", "#f2f4f7"),
}
SEVERITY_COLOURS: dict[str, str] = {
    Severity.CRITICAL: "#e5372b",
    Severity.WARNING: "#f79009",
    Severity.NOTICE: "#2e90fa",
}
COLOURS = {"ink": INK, "ink_soft": INK_SOFT, "line": LINE, "track": TRACK, "brand": BRAND}

# Characters XML 1.0 forbids even when escaped; a hostile page title may carry them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def score_band(score: int | None) -> str:
    """ "good" (90+), "fair" (50-89), "poor" (0-49) or "" when there is no score."""
    if score is None:
        return ""
    if score >= 90:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


def score_value(value: Any) -> int | None:
    """A 0-100 int from a stored category score (an int, or a dict with a "score")."""
    if isinstance(value, Mapping):
        value = value.get("score")
    if value is None or value == "":
        return None
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    """Text for the markup: what XML cannot hold at all removed (the template escapes)."""
    return _XML_INVALID.sub("", str(value))


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (never localised: "1,5" in Dutch
    would be two numbers in SVG)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _draw(template: str, *, width: float, height: float, label: str, **context: Any) -> SafeString:
    return render_to_string(
        f"charts/{template}",
        {
            "font": FONT,
            **COLOURS,
            "width": _n(width),
            "height": _n(height),
            "label": _text(label),
            **context,
        },
    )


def _arc_path(cx: float, cy: float, r: float, start: float, end: float) -> str:
    """Path data of a circular arc, clockwise from 12 o'clock, between two fractions of a turn.

    A full turn is drawn as two half arcs: a single arc whose ends meet draws nothing.
    """
    if end - start >= 0.9999:
        return (
            f"M {_n(cx)} {_n(cy - r)} A {_n(r)} {_n(r)} 0 1 1 {_n(cx)} {_n(cy + r)} "
            f"A {_n(r)} {_n(r)} 0 1 1 {_n(cx)} {_n(cy - r)}"
        )

    def point(fraction: float) -> tuple[str, str]:
        angle = 2 * math.pi * fraction - math.pi / 2
        return _n(cx + r * math.cos(angle)), _n(cy + r * math.sin(angle))

    (x1, y1), (x2, y2) = point(start), point(end)
    large = 1 if end - start > 0.5 else 0
    return f"M {x1} {y1} A {_n(r)} {_n(r)} 0 {large} 1 {x2} {y2}"


def score_gauge_svg(*, score: int | None, size: int = 160, label: str = "") -> SafeString:
    """A Lighthouse-style ring: the arc runs clockwise to ``score``% of the turn.

    Red below 50, amber below 90, green from 90; a grey track and "–" when there is no score.
    ``label`` is written under the ring.
    """
    score = score_value(score)
    band = score_band(score)
    stroke, text_colour, soft = BAND_COLOURS[band]
    stroke_width = max(4.0, size * 0.085)
    r = (size - stroke_width) / 2 - 1
    centre = size / 2
    label_size = max(11.0, size * 0.095)
    number_size = size * (0.3 if score != 100 else 0.27)
    name = label or _("Score")
    if score is None:
        aria = _("%(label)s: not measured") % {"label": name}
    else:
        aria = _("%(label)s: %(score)s out of 100") % {"label": name, "score": score}
    return _draw(
        "gauge.svg",
        width=size,
        height=size + (label_size * 1.9 if label else 0),
        label=aria,
        band=band or "none",
        score="" if score is None else str(score),
        centre=_n(centre),
        radius=_n(r),
        inner_radius=_n(r - stroke_width / 2),
        stroke_width=_n(stroke_width),
        soft=soft,
        stroke=stroke,
        arc=_arc_path(centre, centre, r, 0, score / 100) if score else "",
        number="–" if score is None else str(score),
        number_y=_n(centre + number_size * 0.36),
        number_size=_n(number_size),
        number_fill=text_colour,
        caption=_text(label),
        caption_y=_n(size + label_size * 1.35),
        caption_size=_n(label_size),
    )


def category_bars_svg(*, rows: Sequence[Mapping[str, Any]], width: int = 520) -> SafeString:
    """One horizontal bar per row (``{"label", "score"}``), in the order given.

    A row without a score (None) shows an empty track and "not measured".
    """
    row_height, bar_height, font_size = 30.0, 12.0, 12.5
    items = [(_text(row["label"]), score_value(row["score"])) for row in rows]
    longest = max((len(name) for name, _score in items), default=0)
    label_width = min(max(longest * font_size * 0.62 + 14, 80), width * 0.4)
    track_width = width - label_width - 44.0
    not_measured = _("not measured")

    bars, spoken = [], []
    for index, (name, score) in enumerate(items):
        middle = index * row_height + 4 + row_height / 2
        stroke, text_colour, _soft = BAND_COLOURS[score_band(score)]
        bars.append(
            {
                "name": name,
                "score": "" if score is None else str(score),
                "text_y": _n(middle + font_size * 0.36),
                "note_y": _n(middle + font_size * 0.33),
                "bar_y": _n(middle - bar_height / 2),
                "length": _n(max(track_width * (score or 0) / 100, bar_height)),
                "fill": stroke,
                "value_fill": text_colour,
            }
        )
        spoken.append(f"{name}: {not_measured if score is None else score}")
    return _draw(
        "category_bars.svg",
        width=width,
        height=len(items) * row_height + 8 if items else 32,
        label=_("Category scores") + (": " + "; ".join(spoken) if spoken else ""),
        bars=bars,
        font_size=_n(font_size),
        note_size=_n(font_size * 0.85),
        value_size=_n(font_size * 1.05),
        label_width=_n(label_width),
        note_x=_n(label_width + 8),
        track_width=_n(track_width),
        bar_height=_n(bar_height),
        rounding=_n(bar_height / 2),
        not_measured=not_measured,
    )


def _point_label(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return _text(value)


def score_trend_svg(
    *, points: Sequence[tuple[Any, int | None]], width: int = 600, height: int = 180
) -> SafeString:
    """Scores over time: a line with a dot per audit on a 0-100 axis, oldest first.

    Labels may be strings or dates (shown in the short date format of the active language).
    One point is a single dot; no points give an empty chart that says so. A None score leaves
    a gap in the line.
    """
    items = [(_point_label(label), score_value(score)) for label, score in points]
    left, right, top, bottom = 34.0, 14.0, 14.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    font_size = 11.0

    def y_at(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    count = len(items)
    inset = min(24.0, plot_w / 4)

    def x_at(index: int) -> float:
        if count == 1:
            return left + plot_w / 2
        return left + inset + (plot_w - 2 * inset) * index / (count - 1)

    segments: list[list[str]] = [[]]
    for index, (_label, score) in enumerate(items):
        if score is None:
            segments.append([])
        else:
            segments[-1].append(f"{_n(x_at(index))},{_n(y_at(score))}")

    show_values = count <= 16
    step = math.ceil(count / max(1, int(plot_w // 78))) if count else 1
    dots = []
    for index, (text, score) in enumerate(items):
        is_last = index == count - 1
        dot = {
            "x": _n(x_at(index)),
            "score": "" if score is None else str(score),
            # Thinned out so labels do not overlap; the latest audit is always labelled.
            "label": text if is_last or (index % step == 0 and count - 1 - index >= step * 0.6)
            else "",
        }  # fmt: skip
        if score is not None:
            mark, value_colour, _soft = BAND_COLOURS[score_band(score)]
            dot |= {
                "y": _n(y_at(score)),
                "fill": mark,
                "value_fill": value_colour,
                "value_y": _n(y_at(score) - 8 if score < 93 else y_at(score) + 16),
            }
        dots.append(dot)

    if items:
        spoken = ", ".join(
            f"{text}: {score if score is not None else _('not measured')}" for text, score in items
        )
        label = _("Score trend") + ": " + spoken
    else:
        label = _("Score trend: no completed audits yet")
    return _draw(
        "score_trend.svg",
        width=width,
        height=height,
        label=label,
        # Faint Lighthouse bands behind the line say at a glance what a score means.
        bands=[
            {"y": _n(y_at(high)), "height": _n(y_at(low) - y_at(high)), "fill": BAND_COLOURS[b][2]}
            for low, high, b in ((90, 100, "good"), (50, 90, "fair"), (0, 50, "poor"))
        ],
        ticks=[
            {"value": str(tick), "y": _n(y_at(tick)), "text_y": _n(y_at(tick) + font_size * 0.35)}
            for tick in (0, 50, 100)
        ],
        lines=[" ".join(segment) for segment in segments if len(segment) > 1],
        dots=dots,
        show_values=show_values,
        left=_n(left),
        right_edge=_n(left + plot_w),
        plot_width=_n(plot_w),
        tick_x=_n(left - 6),
        label_y=_n(height - 10),
        empty_x=_n(left + plot_w / 2),
        empty_y=_n(top + plot_h / 2 + 4),
        font_size=_n(font_size),
        empty_size=_n(font_size * 1.15),
    )


def severity_donut_svg(*, counts: Mapping[str, int], size: int = 132) -> SafeString:
    """A donut of findings per severity, most severe first, with a legend beside it that
    lists every severity (0 for one without findings)."""
    keys = sorted(set(Severity.values) | set(counts), key=lambda key: (severity_rank(key), key))
    values = [(key, max(0, int(counts.get(key) or 0))) for key in keys]
    total = sum(value for _key, value in values)

    stroke_width = size * 0.17
    r = (size - stroke_width) / 2 - 1
    centre = size / 2
    segments, start = [], 0.0
    for key, value in values:
        if value:
            end = start + value / total
            segments.append(
                {
                    "key": key,
                    "count": str(value),
                    "path": _arc_path(centre, centre, r, start, end),
                    "stroke": SEVERITY_COLOURS.get(key, INK_SOFT),
                }
            )
            start = end

    font_size, legend_gap = 13.0, 26.0
    legend_x = size + 22
    legend_top = centre - legend_gap * (len(values) - 1) / 2
    names = [_text(severity_label(key)) for key, _value in values]
    number_x = legend_x + 20 + max(map(len, names), default=0) * font_size * 0.64 + 14
    legend = [
        {
            "name": name,
            "count": str(value),
            "swatch_y": _n(legend_top + index * legend_gap - 6),
            "text_y": _n(legend_top + index * legend_gap + font_size * 0.36),
            "fill": SEVERITY_COLOURS.get(key, INK_SOFT),
        }
        for index, (name, (key, value)) in enumerate(zip(names, values, strict=True))
    ]
    spoken = ", ".join(f"{item['name']}: {item['count']}" for item in legend)
    return _draw(
        "severity_donut.svg",
        width=number_x + 30,
        height=size,
        label=_("Findings by severity") + ": " + spoken,
        segments=segments,
        legend=legend,
        total=str(total),
        total_word=ngettext("finding", "findings", total),
        centre=_n(centre),
        radius=_n(r),
        stroke_width=_n(stroke_width),
        total_y=_n(centre + size * 0.06),
        total_size=_n(size * 0.2),
        word_y=_n(centre + size * 0.2),
        word_size=_n(size * 0.085),
        legend_x=_n(legend_x),
        legend_text_x=_n(legend_x + 20),
        number_x=_n(number_x + 28),
        font_size=_n(font_size),
    )
