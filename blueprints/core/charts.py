"""Bar and column charts drawn as SVG on the server (no script, so the strict CSP holds): the geometry here,
the markup in templates/macros/charts.html. Pure: no Flask, no database."""

from dataclasses import dataclass

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 18, 8, 240, 300, 80
COLUMN_AREA_HEIGHT, COLUMN_GROUP_WIDTH, AXIS_LABEL_HEIGHT = 160, 48, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str
    value_text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, float, str]]  # (x, y, text) of category labels


def _scale(values: list[list[float]]) -> float:
    largest = max((v for series in values for v in series), default=0)
    return largest if largest > 0 else 1


def bar_chart(labels: list[str], values: list[float], texts: list[str]) -> Chart:
    """Horizontal bars, one per category, labelled on the left and with the value on the right."""
    largest = _scale([values])
    bars: list[Bar] = []
    placed: list[tuple[float, float, str]] = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        bars.append(Bar(LABEL_WIDTH, y, max(value, 0) / largest * PLOT_WIDTH, BAR_HEIGHT, 0, label, text))
        placed.append((LABEL_WIDTH - 6, y + BAR_HEIGHT - 4, label))
    height = max(len(labels) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return Chart(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height, bars, placed)


def column_chart(labels: list[str], series: list[list[float]], texts: list[list[str]]) -> Chart:
    """Grouped vertical columns: one group per category (month), one column per series, labels below."""
    largest = _scale(series)
    width = COLUMN_GROUP_WIDTH - 12
    column = width / max(len(series), 1)
    bars: list[Bar] = []
    placed: list[tuple[float, float, str]] = []
    for index, label in enumerate(labels):
        left = index * COLUMN_GROUP_WIDTH + 6
        for number, values in enumerate(series):
            height = max(values[index], 0) / largest * (COLUMN_AREA_HEIGHT - 16)
            x = left + number * column
            bars.append(Bar(x, COLUMN_AREA_HEIGHT - height, column - 2, height, number, label, texts[number][index]))
        placed.append((left + width / 2, COLUMN_AREA_HEIGHT + 16, label))
    return Chart(max(len(labels), 1) * COLUMN_GROUP_WIDTH, COLUMN_AREA_HEIGHT + AXIS_LABEL_HEIGHT, bars, placed)
