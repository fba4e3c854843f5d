"""Keyset pagination and the daily chart behind the activity pages.

Pages go by id, newest first: "older" shows rows with a smaller id than the last
one shown. Unlike a page number, this costs the same at any depth and volume.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

PAGE_SIZE = 50
CHART_DAYS = 30


def keyset_page(events, before):
    """Return (rows, older_cursor) for the page of `events` with ids below `before`."""
    if before:
        events = events.filter(id__lt=before)
    rows = list(events.order_by("-id")[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], older


def daily_outcomes(events, today=None):
    """Return CHART_DAYS dicts of day, successes and failures, oldest first, with empty days."""
    today = today or timezone.localdate()
    first_day = today - timedelta(days=CHART_DAYS - 1)
    counts = {
        row["day"]: row
        for row in events.filter(occurred_at__date__gte=first_day)
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(successes=Count("id", filter=Q(status__lt=400)), failures=Count("id", filter=Q(status__gte=400)))
    }
    days = []
    for offset in range(CHART_DAYS):
        day = first_day + timedelta(days=offset)
        row = counts.get(day, {})
        days.append({"day": day, "successes": row.get("successes", 0), "failures": row.get("failures", 0)})
    return days


def chart_bars(days, *, height=120, bar_width=14, gap=4):
    """Return SVG geometry for stacked success/failure bars, scaled to the busiest day."""
    busiest = max((day["successes"] + day["failures"] for day in days), default=0) or 1
    bars = []
    for index, day in enumerate(days):
        success_height = round(day["successes"] / busiest * height)
        failure_height = round(day["failures"] / busiest * height)
        x = index * (bar_width + gap)
        bars.append(
            {
                **day,
                "x": x,
                "success_y": height - success_height,
                "success_height": success_height,
                "failure_y": height - success_height - failure_height,
                "failure_height": failure_height,
            }
        )
    return {"bars": bars, "width": len(days) * (bar_width + gap), "height": height, "bar_width": bar_width, "busiest": busiest}
