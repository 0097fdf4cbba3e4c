"""Server-rendered SVG charts for the report page, the history page and the PDF.

Each function returns a self-contained ``<svg>`` string (marked safe for templates): no script,
no external font or stylesheet, presentation in attributes only, so a browser and WeasyPrint
draw the same picture. Text is XML-escaped; every chart is an image with an accessible name
(``role="img"``, ``aria-label`` and a ``<title>``).

Scores use Lighthouse's bands: 0-49 poor (red), 50-89 needs improvement (amber), 90-100 good
(green); see https://developer.chrome.com/docs/lighthouse/performance/performance-scoring.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
    "critical": "#e5372b",
    "warning": "#f79009",
    "notice": "#2e90fa",
}
SEVERITY_ORDER: tuple[str, ...] = ("critical", "warning", "notice")
SEVERITY_LABELS: dict[str, Any] = {
    "critical": gettext_lazy("Critical"),
    "warning": gettext_lazy("Warning"),
    "notice": gettext_lazy("Notice"),
}
CATEGORY_LABELS: dict[str, Any] = {
    "onpage": gettext_lazy("On-page"),
    "technical": gettext_lazy("Technical"),
    "content": gettext_lazy("Content"),
    "links": gettext_lazy("Links"),
    "social": gettext_lazy("Social"),
    "performance": gettext_lazy("Performance"),
}

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


def category_label(key: str) -> str:
    return str(CATEGORY_LABELS.get(key) or key.replace("_", " ").capitalize())


def severity_label(key: str) -> str:
    return str(SEVERITY_LABELS.get(key) or key.capitalize())


def _esc(text: Any) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    text = _XML_INVALID.sub("", str(text))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _svg(
    *, width: float, height: float, label: str, body: str, css_class: str, extra: str = ""
) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text inside went through _esc
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-label="{_esc(label)}"{extra}>'
        f"<title>{_esc(label)}</title>{body}</svg>"
    )


def _text(
    x: float,
    y: float,
    text: Any,
    *,
    size: float,
    fill: str = INK,
    anchor: str = "start",
    weight: str | int = 400,
    italic: bool = False,
    css_class: str = "",
) -> str:
    attributes = [
        f'x="{_n(x)}"',
        f'y="{_n(y)}"',
        f'font-family="{FONT}"',
        f'font-size="{_n(size)}"',
        f'fill="{fill}"',
    ]
    if anchor != "start":
        attributes.append(f'text-anchor="{anchor}"')
    if weight not in (400, "400", "normal"):
        attributes.append(f'font-weight="{weight}"')
    if italic:
        attributes.append('font-style="italic"')
    if css_class:
        attributes.append(f'class="{css_class}"')
    return f"<text {' '.join(attributes)}>{_esc(text)}</text>"


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
    cx = cy = size / 2
    label_size = max(11.0, size * 0.095)
    height = size + (label_size * 1.9 if label else 0)

    body = [
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r - stroke_width / 2)}" fill="{soft}"/>',
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{TRACK}" '
        f'stroke-width="{_n(stroke_width)}"/>',
    ]
    if score:
        body.append(
            f'<path class="gauge-arc" d="{_arc_path(cx, cy, r, 0, score / 100)}" fill="none" '
            f'stroke="{stroke}" stroke-width="{_n(stroke_width)}" stroke-linecap="round"/>'
        )
    number_size = size * (0.3 if score != 100 else 0.27)
    body.append(
        _text(
            cx,
            cy + number_size * 0.36,
            "–" if score is None else score,
            size=number_size,
            fill=text_colour,
            anchor="middle",
            weight=700,
            css_class="gauge-score",
        )
    )
    if label:
        body.append(
            _text(
                cx,
                size + label_size * 1.35,
                label,
                size=label_size,
                fill=INK_SOFT,
                anchor="middle",
                weight=600,
                css_class="gauge-label",
            )
        )
    name = label or _("Score")
    if score is None:
        aria = _("%(label)s: not measured") % {"label": name}
    else:
        aria = _("%(label)s: %(score)s out of 100") % {"label": name, "score": score}
    data = "" if score is None else f' data-score="{score}"'
    return _svg(
        width=size,
        height=height,
        label=aria,
        body="".join(body),
        css_class=f"score-gauge score-{band or 'none'}",
        extra=f' data-band="{band or "none"}"{data}',
    )


def category_bars_svg(
    *, scores: Mapping[str, Any], labels: Mapping[str, Any], width: int = 520
) -> SafeString:
    """One horizontal bar per category, in the order of ``labels`` then any other scores.

    A category without a score (None) shows an empty track and "not measured".
    """
    keys = [key for key in labels if key in scores] + [key for key in scores if key not in labels]
    rows = [(str(labels.get(key) or category_label(key)), score_value(scores[key])) for key in keys]
    row_height, bar_height, font_size = 30.0, 12.0, 12.5
    longest = max((len(name) for name, _score in rows), default=0)
    label_width = min(max(longest * font_size * 0.62 + 14, 80), width * 0.4)
    value_width = 44.0
    track_width = width - label_width - value_width
    not_measured = _("not measured")

    body, spoken = [], []
    for index, (name, score) in enumerate(rows):
        top = index * row_height + 4
        middle = top + row_height / 2
        band = score_band(score)
        stroke, text_colour, _soft = BAND_COLOURS[band]
        body.append(_text(0, middle + font_size * 0.36, name, size=font_size, fill=INK))
        body.append(
            f'<rect x="{_n(label_width)}" y="{_n(middle - bar_height / 2)}" '
            f'width="{_n(track_width)}" height="{_n(bar_height)}" rx="{_n(bar_height / 2)}" '
            f'fill="{TRACK}"/>'
        )
        if score is None:
            body.append(
                _text(
                    label_width + 8,
                    middle + font_size * 0.33,
                    not_measured,
                    size=font_size * 0.85,
                    fill=INK_SOFT,
                    italic=True,
                )
            )
            body.append(
                _text(
                    width,
                    middle + font_size * 0.36,
                    "–",
                    size=font_size,
                    fill=text_colour,
                    anchor="end",
                    weight=700,
                )
            )
            spoken.append(f"{name}: {not_measured}")
            continue
        if score > 0:
            body.append(
                f'<rect class="bar" data-score="{score}" x="{_n(label_width)}" '
                f'y="{_n(middle - bar_height / 2)}" '
                f'width="{_n(max(track_width * score / 100, bar_height))}" '
                f'height="{_n(bar_height)}" rx="{_n(bar_height / 2)}" fill="{stroke}"/>'
            )
        body.append(
            _text(
                width,
                middle + font_size * 0.36,
                score,
                size=font_size * 1.05,
                fill=text_colour,
                anchor="end",
                weight=700,
            )
        )
        spoken.append(f"{name}: {score}")

    height = len(rows) * row_height + 8
    if not rows:
        body.append(_text(0, 20, _("No category scores yet"), size=font_size, fill=INK_SOFT))
        height = 32
    label = _("Category scores") + (": " + "; ".join(spoken) if spoken else "")
    return _svg(
        width=width, height=height, label=label, body="".join(body), css_class="category-bars"
    )


def _point_label(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


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

    body = []
    # Faint Lighthouse bands behind the line say at a glance what a score means.
    for low, high, band in ((90, 100, "good"), (50, 90, "fair"), (0, 50, "poor")):
        body.append(
            f'<rect x="{_n(left)}" y="{_n(y_at(high))}" width="{_n(plot_w)}" '
            f'height="{_n(y_at(low) - y_at(high))}" fill="{BAND_COLOURS[band][2]}" '
            f'fill-opacity="0.6"/>'
        )
    for tick in (0, 50, 100):
        y = y_at(tick)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
            f'stroke="{LINE}" stroke-width="1"/>'
        )
        body.append(
            _text(left - 6, y + font_size * 0.35, tick, size=font_size, fill=INK_SOFT, anchor="end")
        )

    if not items:
        body.append(
            _text(
                left + plot_w / 2,
                top + plot_h / 2 + 4,
                _("No completed audits yet"),
                size=font_size * 1.15,
                fill=INK_SOFT,
                anchor="middle",
            )
        )
        label = _("Score trend: no completed audits yet")
        return _svg(
            width=width, height=height, label=label, body="".join(body), css_class="score-trend"
        )

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
    for segment in segments:
        if len(segment) > 1:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BRAND}" '
                f'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
            )

    show_values = count <= 16
    max_labels = max(1, int(plot_w // 78))
    step = math.ceil(count / max_labels)
    for index, (text, score) in enumerate(items):
        x = x_at(index)
        if score is not None:
            colour = BAND_COLOURS[score_band(score)]
            body.append(
                f'<circle class="point" data-score="{score}" cx="{_n(x)}" '
                f'cy="{_n(y_at(score))}" r="4.5" fill="{colour[0]}" stroke="#fff" '
                f'stroke-width="1.5"/>'
            )
            if show_values:
                above = y_at(score) - 8 if score < 93 else y_at(score) + 16
                body.append(
                    _text(
                        x, above, score, size=font_size, fill=colour[1], anchor="middle", weight=700
                    )
                )
        is_last = index == count - 1
        if is_last or (index % step == 0 and count - 1 - index >= step * 0.6):
            body.append(_text(x, height - 10, text, size=font_size, fill=INK_SOFT, anchor="middle"))

    spoken = ", ".join(
        f"{text}: {score if score is not None else _('not measured')}" for text, score in items
    )
    label = _("Score trend") + ": " + spoken
    return _svg(
        width=width, height=height, label=label, body="".join(body), css_class="score-trend"
    )


def severity_donut_svg(*, counts: Mapping[str, int], size: int = 132) -> SafeString:
    """A donut of findings per severity (critical, warning, notice) with a legend beside it."""
    keys = [key for key in SEVERITY_ORDER if key in counts] + [
        key for key in counts if key not in SEVERITY_ORDER
    ]
    values = [(key, max(0, int(counts.get(key) or 0))) for key in keys]
    for key in SEVERITY_ORDER:
        if key not in counts:
            values.append((key, 0))
    values.sort(key=lambda item: SEVERITY_ORDER.index(item[0]) if item[0] in SEVERITY_ORDER else 9)
    total = sum(value for _key, value in values)

    stroke_width = size * 0.17
    r = (size - stroke_width) / 2 - 1
    cx = cy = size / 2
    body = [
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{TRACK}" '
        f'stroke-width="{_n(stroke_width)}"/>'
    ]
    start = 0.0
    for key, value in values:
        if not value:
            continue
        end = start + value / total
        body.append(
            f'<path class="segment segment-{_esc(key)}" data-count="{value}" '
            f'd="{_arc_path(cx, cy, r, start, end)}" fill="none" '
            f'stroke="{SEVERITY_COLOURS.get(key, INK_SOFT)}" stroke-width="{_n(stroke_width)}"/>'
        )
        start = end
    body.append(
        _text(
            cx,
            cy + size * 0.06,
            total,
            size=size * 0.2,
            fill=INK,
            anchor="middle",
            weight=700,
            css_class="donut-total",
        )
    )
    body.append(
        _text(
            cx,
            cy + size * 0.2,
            ngettext("finding", "findings", total),
            size=size * 0.085,
            fill=INK_SOFT,
            anchor="middle",
        )
    )

    legend_x = size + 22
    font_size = 13.0
    legend_gap = 26.0
    legend_top = cy - legend_gap * (len(values) - 1) / 2
    longest = max((len(severity_label(key)) for key, _value in values), default=0)
    number_x = legend_x + 20 + longest * font_size * 0.64 + 14
    spoken = []
    for index, (key, value) in enumerate(values):
        y = legend_top + index * legend_gap
        name = severity_label(key)
        body.append(
            f'<rect x="{_n(legend_x)}" y="{_n(y - 6)}" width="12" height="12" rx="3" '
            f'fill="{SEVERITY_COLOURS.get(key, INK_SOFT)}"/>'
        )
        body.append(_text(legend_x + 20, y + font_size * 0.36, name, size=font_size, fill=INK))
        body.append(
            _text(
                number_x + 28,
                y + font_size * 0.36,
                value,
                size=font_size,
                fill=INK,
                anchor="end",
                weight=700,
            )
        )
        spoken.append(f"{name}: {value}")
    width = number_x + 30
    label = _("Findings by severity") + ": " + ", ".join(spoken)
    return _svg(
        width=width, height=size, label=label, body="".join(body), css_class="severity-donut"
    )
