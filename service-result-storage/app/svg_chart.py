"""Events over time as an inline SVG bar chart (the web view's group page): one pure function, ``bar_chart``.

Points are (moment, count) pairs; they are summed into time buckets of one fixed width, the smallest of ``STEPS``
that needs at most ``max_bars`` buckets from the first point to the last. Each non-empty bucket is a <rect> with a
<title> (its time range and sum); the axes carry the largest count and the first and last bucket's time. All text
is XML-escaped: counts and times are ours, but the caller's ``label`` need not be.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from html import escape

STEPS = tuple(timedelta(seconds=s) for s in (
    60, 5 * 60, 15 * 60, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400))
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Plot area inside the SVG: room on the left for the count labels, below for the time labels.
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36


def bucket_width(first: datetime, last: datetime, max_bars: int) -> timedelta:
    """The smallest step of STEPS whose buckets (aligned to the Unix epoch) cover first..last in at most max_bars;
    the largest step when none does."""
    for step in STEPS:
        if _bucket_index(last, step) - _bucket_index(first, step) + 1 <= max_bars:
            return step
    return STEPS[-1]


def _bucket_index(moment: datetime, step: timedelta) -> int:
    return (moment - _EPOCH) // step


def _label(moment: datetime, step: timedelta) -> str:
    return moment.strftime("%Y-%m-%d" if step >= timedelta(days=1) else "%Y-%m-%d %H:%M")


def bar_chart(points: Iterable[tuple[datetime, int]], width: int = 720, height: int = 220, max_bars: int = 48,
              label: str = "events") -> str:
    """An ``<svg>`` element (a string of XML) of ``points`` summed per time bucket, ``width`` x ``height`` pixels.

    Moments must be timezone-aware (they are shown in UTC); counts are non-negative. No points, or only zero
    counts: an SVG that says so, without bars. ``label`` names what is counted ("events") in each bar's title.
    """
    points = [(moment.astimezone(timezone.utc), count) for moment, count in points]
    open_tag = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img">')
    total = sum(count for _, count in points)
    if not points or total <= 0:
        return (f'{open_tag}<text x="{width // 2}" y="{height // 2}" text-anchor="middle">'
                f'no {escape(label)} to show</text></svg>')
    first, last = min(m for m, _ in points), max(m for m, _ in points)
    step = bucket_width(first, last, max_bars)
    start = _bucket_index(first, step)
    sums = [0] * (_bucket_index(last, step) - start + 1)
    for moment, count in points:
        sums[_bucket_index(moment, step) - start] += count
    peak = max(sums)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / len(sums)
    bar_w = min(max(slot * 0.8, 1.0), 40.0)  # one lone bar stays a bar, not a block
    base = TOP + plot_h
    parts = [open_tag,
             f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}" stroke="#555"/>',
             f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#555"/>',
             f'<text class="y-label" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{peak}</text>',
             f'<text class="y-label" x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>']
    for n, value in enumerate(sums):
        if not value:
            continue
        lo = _EPOCH + (start + n) * step
        bar_h = max(plot_h * value / peak, 1.0)
        title = f"{_label(lo, step)} – {_label(lo + step, step)} UTC · {label}: {value}"
        parts.append(f'<rect class="bar" x="{LEFT + n * slot + (slot - bar_w) / 2:.2f}" y="{base - bar_h:.2f}" '
                     f'width="{bar_w:.2f}" height="{bar_h:.2f}" fill="#c0392b">'
                     f'<title>{escape(title)}</title></rect>')
    first_lo, last_hi = _EPOCH + start * step, _EPOCH + (start + len(sums)) * step
    parts += [f'<text class="x-label" x="{LEFT}" y="{height - 12}" text-anchor="start">'
              f'{escape(_label(first_lo, step))}</text>',
              f'<text class="x-label" x="{width - RIGHT}" y="{height - 12}" text-anchor="end">'
              f'{escape(_label(last_hi, step))} UTC</text>',
              f'<text class="step" x="{LEFT + plot_w / 2:.0f}" y="{height - 12}" text-anchor="middle">'
              f'{escape(_describe(step))} per bar</text>',
              "</svg>"]
    return "".join(parts)


def _describe(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if unit == 'day' and n > 1 else ''}"
    return f"{seconds} s"
