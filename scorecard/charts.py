"""Charts drawn on the server as SVG (no script, no CDN): a line per group over 12 months, and a bar per
agency. Every point and bar is a link to what is behind it; text is escaped by format_html."""

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 300, 130
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 24


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{number_format(value, 0)}%"


def trend_line(title: str, points: Sequence[tuple[str, float | None, str]], chart_id: str) -> SafeString:
    """One group's share of its points (0–100 %) per month: (month label, percent or None, link)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - min(max(value, 0), 100) / 100)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d5dd"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#344054">{}%</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                f"{y(level):.1f}",
                f"{y(level):.1f}",
                LEFT - 4,
                f"{y(level) + 3:.1f}",
                level,
            )
            for level in (0, 50, 100)
        ),
    )
    coordinates = [
        (LEFT + index * step, y(value))
        for index, (_label, value, _link) in enumerate(points)
        if value is not None
    ]
    line = (
        format_html(
            '<polyline points="{}" fill="none" stroke="#1d4ed8" stroke-width="2"/>',
            " ".join(f"{x:.1f},{y_:.1f}" for x, y_ in coordinates),
        )
        if len(coordinates) > 1
        else ""
    )
    dots = format_html_join(
        "",
        '<a href="{}" aria-label="{}"><circle cx="{}" cy="{}" r="5" fill="#1d4ed8"/></a>',
        (
            (link, f"{label}: {_percent(value)}", f"{LEFT + index * step:.1f}", f"{y(value):.1f}")
            for index, (label, value, link) in enumerate(points)
            if value is not None
        ),
    )
    labels = format_html(
        '<text x="{}" y="{}" font-size="10" fill="#344054">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#344054">{}</text>',
        LEFT,
        HEIGHT - 6,
        points[0][0] if points else "",
        WIDTH - RIGHT,
        HEIGHT - 6,
        points[-1][0] if points else "",
    )
    return format_html(
        '<svg class="scorecard-trend" viewBox="0 0 {} {}" width="100%" aria-labelledby="{}">'
        '<title id="{}">{}</title>{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        title,
        grid,
        line,
        dots,
        labels,
    )


def bar(percent: float | None) -> SafeString:
    """A bar for one agency's score out of 100 (decorative: the number is written beside it)."""
    if percent is None:
        return mark_safe("")
    return format_html(
        '<svg class="scorecard-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect width="100" height="8" fill="#e4e7ec"/>'
        '<rect width="{}" height="8" fill="{}"/></svg>',
        f"{min(max(percent, 0), 100):.1f}",
        "#15803d" if percent >= 80 else "#b45309" if percent >= 50 else "#b91c1c",
    )


def no_data_label() -> str:
    return _("No data")
