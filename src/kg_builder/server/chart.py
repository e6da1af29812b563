"""An inline SVG line chart of a score over the years, drawn on the server.

The entity page shows it without any script or external resource. Only
numbers and escaped labels go into the markup. Pure.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 32


def score_chart(points: list[tuple[int, float]], title: str = "Nilai kepatuhan per tahun") -> Markup:
    """A line over ``(year, score)`` on a 0–100 axis; an empty string when there is nothing to draw."""
    points = sorted(points)
    if not points:
        return Markup("")
    years = [y for y, _ in points]
    lo, hi = min(years), max(years)
    span = max(hi - lo, 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + (inner_w / 2 if hi == lo else (year - lo) / span * inner_w)

    def y(score: float) -> float:
        return TOP + (1 - max(0.0, min(score, 100.0)) / 100) * inner_h

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for tick in (0, 25, 50, 75, 100):
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#555">{tick}</text>')
    for year in range(lo, hi + 1):
        parts.append(f'<text x="{x(year):.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11" fill="#555">{year}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(yr):.1f},{y(s):.1f}" for i, (yr, s) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#1a6e4b" stroke-width="2.5"/>')
    for yr, s in points:
        parts.append(f'<circle cx="{x(yr):.1f}" cy="{y(s):.1f}" r="4" fill="#1a6e4b"><title>{yr}: {s:g}</title></circle>'
                     f'<text x="{x(yr):.1f}" y="{y(s) - 8:.1f}" text-anchor="middle" font-size="11" fill="#1a6e4b">{s:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
