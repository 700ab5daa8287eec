"""A map of Sweden by län, drawn on the server as SVG (no script, so the strict CSP holds): each county
shaded by its value in five classes. The county outlines are vendored (data/README.md). Pure: no Flask."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CLASSES = 5
_DATA = Path(__file__).with_name("data") / "sweden-counties.json"


@dataclass(frozen=True)
class CountyShape:
    """One county on the map: its outline, its value as text, and its shade (0: nothing, 1-5: quintiles)."""

    code: str
    name: str
    path: str
    shade: int
    value_text: str


@dataclass(frozen=True)
class CountyMap:
    """The map of every county, with the limits of the shades for the legend."""

    view_box: str
    counties: list[CountyShape]
    limits: list[float]  # the upper limit of shades 1..5


@cache
def _outlines() -> tuple[str, dict[str, str]]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return data["viewBox"], data["counties"]


def county_map(values: dict[str, float], names: dict[str, str], texts: dict[str, str]) -> CountyMap:
    """Every county shaded by ``values`` (county code → value; missing or 0: unshaded), labelled with
    ``texts``. Shades are the quintiles of the non-zero values, so a few large counties do not wash out
    the rest."""
    view_box, outlines = _outlines()
    positive = sorted(v for v in values.values() if v > 0)
    limits = (
        [positive[min(len(positive) - 1, (len(positive) * k) // CLASSES)] for k in range(1, CLASSES + 1)]
        if positive
        else []
    )

    def shade(value: float) -> int:
        if value <= 0 or not limits:
            return 0
        return next((k for k, limit in enumerate(limits, start=1) if value <= limit), CLASSES)

    counties = [
        CountyShape(code, names.get(code, code), path, shade(values.get(code, 0)), texts.get(code, ""))
        for code, path in sorted(outlines.items())
    ]
    return CountyMap(view_box, counties, limits)
