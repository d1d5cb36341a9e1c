"""Trends: how often the day's strongest keywords appear in the news over the last days (an SVG line chart
drawn on the server, with its numbers as a table), and the topic mix of each published edition."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from prism.nlp.topics import TOPICS
from prism.recommend.pool import Pool, load_pool
from prism.store import analyses, editions
from prism.web.cache import VersionedCache
from prism.web.deps import ConnectionDep, SettingsDep, TemplatesDep
from prism.web.pages import page

router = APIRouter(tags=["trends"])
LINES = 5
WIDTH, HEIGHT, PAD = 720, 280, 40
COLORS = ["#0b57d0", "#d93025", "#188038", "#e37400", "#9334e6"]
Series = tuple[list[str], dict[str, list[int]]]


def series_cache() -> VersionedCache[Series]:
    """The app's keyword series by (store version, days): recomputed only when articles or analyses change."""
    return VersionedCache[Series](keep=16)


def keyword_series(pool: Pool, zone: ZoneInfo, days: int) -> Series:
    """(dates, {keyword: articles per day}) for the keywords most often among articles' top keyphrases."""
    if not len(pool):
        return [], {}
    last = max(datetime.fromtimestamp(t, zone).date() for t in pool.times.tolist())
    dates = [(last - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for i, stamp in enumerate(pool.times.tolist()):
        day = datetime.fromtimestamp(stamp, zone).date().isoformat()
        if day in dates:
            per_day[day].update(term for term, _ in pool.keyphrases_of(i)[:5])
    total: Counter[str] = Counter()
    for counts in per_day.values():
        total.update(counts)
    top = [term for term, _ in total.most_common(LINES)]
    return dates, {term: [per_day[d][term] for d in dates] for term in top}


def chart(dates: list[str], series: dict[str, list[int]]) -> dict[str, object]:
    """Coordinates of an SVG line chart (the template draws them)."""
    peak = max((max(values) for values in series.values()), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(1, len(dates) - 1)

    def point(i: int, value: int) -> tuple[float, float]:
        return round(PAD + i * step, 1), round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / peak, 1)

    lines = [
        {
            "term": term,
            "color": COLORS[n % len(COLORS)],
            "points": " ".join(f"{x},{y}" for x, y in (point(i, v) for i, v in enumerate(values))),
        }
        for n, (term, values) in enumerate(series.items())
    ]
    ticks = [{"x": point(i, 0)[0], "label": d[5:]} for i, d in enumerate(dates)]
    return {"width": WIDTH, "height": HEIGHT, "pad": PAD, "peak": peak, "lines": lines, "ticks": ticks}


@router.get("/trends", response_class=HTMLResponse)
def trends(
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    days: int = 7,
) -> Response:
    days = max(2, min(days, 60))
    zone = ZoneInfo(settings.timezone)
    cache: VersionedCache[Series] = request.app.state.trend_series
    key = (*analyses.pool_version(conn), days)
    dates, series = cache.get(key, lambda: keyword_series(load_pool(conn), zone, days))
    mixes = []
    for row in editions.published(conn):
        briefing = row.briefing
        counts = Counter(pick.topic or "기타" for pick in briefing.picks)
        mixes.append({"persona": briefing.persona_name, "date": briefing.date, "counts": counts})
    return page(
        request,
        templates,
        settings,
        "trends.html",
        dates=dates,
        series=series,
        chart=chart(dates, series),
        mixes=mixes,
        topics=[*TOPICS, "기타"],
        days=days,
    )
