"""Trends: how often the day's strongest keywords appear in the news over the last days (an SVG line chart
drawn on the server, with its numbers as a table), and the topic mix of each published edition."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from prism.errors import UsageError
from prism.nlp.topics import TOPICS
from prism.pipeline import Fitted
from prism.recommend.pool import Pool
from prism.store import editions
from prism.web.deps import ConnectionDep, SettingsDep, TemplatesDep
from prism.web.pages import fitted, page

router = APIRouter(tags=["trends"])
LINES = 5
WIDTH, HEIGHT, PAD = 720, 280, 40
COLORS = ["#0b57d0", "#d93025", "#188038", "#e37400", "#9334e6"]
Series = tuple[list[str], dict[str, list[int]]]


class TrendSeries:
    """Keyword series by number of days, computed from the fitted pool of all articles the app serves
    (`FittedPools`), once per pool: a new pool replaces the series computed from the one before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[int, tuple[Fitted, Series]] = {}
        self.computed = 0

    def get(self, fitted: Fitted, zone: ZoneInfo, days: int) -> Series:
        """Return the series of the last `days` days of `fitted`'s pool."""
        with self._lock:
            found = self._series.get(days)
        if found is not None and found[0] is fitted:
            return found[1]
        series = keyword_series(fitted.pool, zone, days)
        with self._lock:
            self.computed += 1
            self._series[days] = (fitted, series)
        return series


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
    cache: TrendSeries = request.app.state.trend_series
    try:
        dates, series = cache.get(fitted(request, conn, settings, "all"), zone, days)
    except UsageError:  # nothing analysed yet
        dates, series = [], {}
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
