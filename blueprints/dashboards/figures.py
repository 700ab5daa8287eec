"""The dashboard's content: key figures with their change against the previous period, and tables (each
drawn as a chart where one reads better), every one with a written definition. Built from the aggregates
in queries.py; the page, the printable report and the exports all show this same object."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.core.charts import Chart, bar_chart, column_chart
from blueprints.core.i18n import money, number
from blueprints.dashboards import queries
from blueprints.dashboards.measures import response_times
from blueprints.dashboards.queries import (
    CURRENT,
    PREVIOUS,
    GroupedCount,
    Pair,
    PeriodTotals,
    ResponseRow,
    Scope,
    SessionCount,
)
from blueprints.networks.constants import PHASES
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.support.constants import BOOKED, CANCELLED, DONE, EXTRA, NO_SHOW, SUPPORT_KINDS
from blueprints.support.slots import Availability, Interval, Window, open_hours

COUNT, PERCENT, DAYS, SEK, RATING, HOURS, TEXT, MONTH = (
    "count",
    "percent",
    "days",
    "sek",
    "rating",
    "hours",
    "text",
    "month",
)


UNIT_NAMES = {
    COUNT: _l("antal"),
    PERCENT: _l("procent"),
    DAYS: _l("arbetsdagar"),
    SEK: _l("kronor"),
    RATING: _l("medelbetyg 1–5"),
    HOURS: _l("timmar"),
}


@dataclass(frozen=True)
class Figure:
    """One key figure: its value in the period, in the previous period (None: not compared), and what it
    counts."""

    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    definition: str

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Column:
    header: str
    unit: str = COUNT


@dataclass(frozen=True)
class Table:
    """A table of figures; ``chart`` names how it is drawn ("columns" over months, "bars" per category, or
    None), ``plotted`` which of its columns."""

    key: str
    title: str
    columns: list[Column]
    rows: Sequence[tuple[Any, ...]]
    definition: str
    chart: str | None = None
    plotted: tuple[int, ...] = (1,)

    @property
    def legend(self) -> list[str]:
        """The headers of the plotted columns (the chart's series)."""
        return [str(self.columns[index].header) for index in self.plotted]

    @property
    def rows_with_values(self) -> list[tuple[Any, ...]]:
        """The rows that have a figure other than zero (the page shows these in the table)."""
        return [row for row in self.rows if not _all_zero(row)]

    @property
    def rows_without_values(self) -> list[tuple[Any, ...]]:
        """The rows that are zero throughout (folded away under the table, by name; exports keep them all)."""
        return [row for row in self.rows if _all_zero(row)]


def _all_zero(row: tuple[Any, ...]) -> bool:
    return all(not value for value in row[1:])


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    sections: list[Section]

    def tables(self) -> list[Table]:
        """Every table: the key figures first, then each section's."""
        return [self.key_figures(), *(table for section in self.sections for table in section.tables)]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)

    def key_figures(self) -> Table:
        """Every key figure as one table (for the exports); shares in percent."""

        def shown(value: float | None, unit: str) -> float | None:
            return None if value is None else round(value * 100, 1) if unit == PERCENT else value

        rows = [
            (
                f.label,
                str(UNIT_NAMES[f.unit]),
                shown(f.value, f.unit),
                shown(f.previous, f.unit),
                shown(f.change, f.unit),
                f.definition,
            )
            for section in self.sections
            for f in section.figures
        ]
        return Table(
            "nyckeltal",
            _("Nyckeltal"),
            [
                Column(_("Nyckeltal"), TEXT),
                Column(_("Enhet"), TEXT),
                Column(_("Perioden")),
                Column(_("Föregående period")),
                Column(_("Förändring")),
                Column(_("Definition"), TEXT),
            ],
            rows,
            _("Alla nyckeltal för perioden och perioden före, med samma avgränsningar."),
        )


def build_dashboard(scope: Scope, today: date, need_areas: list[tuple[int, str]]) -> Dashboard:
    """Every section of the dashboard for the scope (``need_areas``: every area's id and name)."""
    totals = queries.period_totals(scope)
    counts = queries.grouped_counts(scope)
    sections = [
        _support(scope, today, totals),
        _facilitators(scope),
        _networks(totals, counts),
        _challenges(totals, counts, need_areas),
    ]
    return Dashboard(scope, sections)


# --- support --------------------------------------------------------------------------------------------


def _support(scope: Scope, today: date, totals: PeriodTotals) -> Section:
    rows = queries.response_rows(scope)
    current = response_times([(r.waited, r.late_from, r.requests) for r in rows if r.current], today)
    previous = response_times([(r.waited, r.late_from, r.requests) for r in rows if not r.current], today)
    sessions = queries.session_counts(scope)
    feedback = {p: _feedback(totals, p) for p in (PREVIOUS, CURRENT)}
    section = Section("stod", _("Stöd till upphandlare"))
    section.figures = [
        Figure(
            "nya_forfragningar",
            _("Nya förfrågningar"),
            COUNT,
            current.requests,
            previous.requests,
            _("Stödförfrågningar som skickades in under perioden (inkomstdatum, svensk tid)."),
        ),
        Figure(
            "svar_i_tid",
            _("Besvarade inom 5 arbetsdagar"),
            PERCENT,
            current.share_in_time,
            previous.share_in_time,
            _(
                "Andel av periodens förfrågningar som fick ett första besked (bedömning, beviljande eller "
                "avslag) inom 5 arbetsdagar från inkomstdagen. Helger, röda dagar, midsommar-, jul- och "
                "nyårsafton räknas inte. "
                "Obesvarade förfrågningar räknas först när svarstiden har gått ut."
            ),
        ),
        Figure(
            "svarstid_median",
            _("Svarstid, median (arbetsdagar)"),
            DAYS,
            current.median_days,
            previous.median_days,
            _(
                "Medianen av antalet arbetsdagar från inkomstdagen till dagen för det första beskedet, för "
                "periodens besvarade förfrågningar. Besked samma dag räknas som 0."
            ),
        ),
        Figure(
            "sessioner_genomforda",
            _("Genomförda sessioner"),
            COUNT,
            *_now_and_before(totals[queries.HELD]),
            _("Sessioner med status genomförd som började under perioden. Avbokade och uteblivna räknas inte."),
        ),
        Figure(
            "uteblivna",
            _("Uteblivna sessioner"),
            COUNT,
            *_now_and_before(totals[queries.NO_SHOWS]),
            _("Sessioner under perioden där facilitatorn har noterat att beställaren uteblev."),
        ),
        Figure(
            "betyg",
            _("Betyg i återkopplingen (1–5)"),
            RATING,
            feedback[CURRENT].rating,
            feedback[PREVIOUS].rating,
            _("Medelvärdet av betygen (1–5) för genomförda sessioner som började under perioden."),
        ),
        Figure(
            "svarsfrekvens",
            _("Svarsfrekvens, återkoppling"),
            PERCENT,
            feedback[CURRENT].answered_share,
            feedback[PREVIOUS].answered_share,
            _("Andel av återkopplingslänkarna för periodens genomförda sessioner som har besvarats."),
        ),
    ]
    section.tables = [_per_month(scope, rows, sessions), _per_kind(sessions)]
    return section


def _now_and_before(pair: Pair) -> tuple[int, int]:
    """A total as a figure takes it: the current value first."""
    return pair.current, pair.previous


class FeedbackFigures(NamedTuple):
    """The average rating and the share of feedback links answered, for the held sessions of a period."""

    rating: float | None
    answered_share: float | None


def _feedback(totals: PeriodTotals, period: str) -> FeedbackFigures:
    """The feedback figures of the ``previous`` or ``current`` period."""
    sent = getattr(totals[queries.FEEDBACK_SENT], period)
    answered = getattr(totals[queries.FEEDBACK_ANSWERED], period)
    rating = getattr(totals[queries.RATING_SUM], period)
    return FeedbackFigures(rating / answered if answered else None, answered / sent if sent else None)


def _per_month(scope: Scope, responses: list[ResponseRow], sessions: list[SessionCount]) -> Table:
    months = scope.current.months()
    requests: defaultdict[date, int] = defaultdict(int)
    for row in responses:
        if row.current:
            requests[row.month] += row.requests
    by_status: defaultdict[tuple[int, str], int] = defaultdict(int)
    for s in sessions:
        by_status[s.month, s.status] += s.sessions
    rows = [
        (month, requests[month], by_status[index, DONE], by_status[index, NO_SHOW], by_status[index, CANCELLED])
        for index, month in enumerate(months, start=1)
    ]
    return Table(
        "per-manad",
        _("Förfrågningar och sessioner per månad"),
        [
            Column(_("Månad"), MONTH),
            Column(_("Nya förfrågningar")),
            Column(_("Genomförda sessioner")),
            Column(_("Uteblivna")),
            Column(_("Avbokade")),
        ],
        rows,
        _(
            "Förfrågningar efter inkomstmånad; sessioner efter den månad de började (svensk tid). "
            "Avbokade sessioner visas för sig och räknas aldrig som genomförda."
        ),
        chart="columns",
        plotted=(1, 2),
    )


def _per_kind(sessions: list[SessionCount]) -> Table:
    counts: defaultdict[tuple[str, str], int] = defaultdict(int)
    for s in sessions:
        counts[s.kind, s.status] += s.sessions
    rows = [
        (str(label), counts[kind, DONE], counts[kind, NO_SHOW], counts[kind, CANCELLED], counts[kind, BOOKED])
        for kind, label in SUPPORT_KINDS.items()
    ]
    return Table(
        "sessioner-per-stodform",
        _("Sessioner per stödform"),
        [
            Column(_("Stödform"), TEXT),
            Column(_("Genomförda")),
            Column(_("Uteblivna")),
            Column(_("Avbokade")),
            Column(_("Bokade, ej uppföljda")),
        ],
        rows,
        _(
            "Sessioner som började under perioden, efter stödform och status. Bokade är sessioner som ännu inte "
            "har ägt rum eller inte har följts upp."
        ),
        chart="bars",
        plotted=(1,),
    )


# --- facilitators ---------------------------------------------------------------------------------------


_UTILISATION = _l(
    "Bokade timmar delat med tillgängliga timmar under perioden. Bokade: sessioner som började under perioden och "
    "inte är avbokade (genomförda, uteblivna och kommande). Tillgängliga: veckans arbetstider, plus extra tid, minus "
    "frånvaro och röda dagar. Påverkas inte av län, behovsområde eller organisationstyp."
)


def _facilitators(scope: Scope) -> Section:
    period = scope.current
    windows: defaultdict[int, list[Window]] = defaultdict(list)
    names: dict[int, str] = {}
    extras: defaultdict[int, list[Interval]] = defaultdict(list)
    absences: defaultdict[int, list[Interval]] = defaultdict(list)
    for row in queries.working_time(period):
        if row.starts_at is not None and row.ends_at is not None:
            (extras if row.kind == EXTRA else absences)[row.facilitator_id].append(Interval(row.starts_at, row.ends_at))
        elif row.weekday is not None and row.start_time is not None and row.end_time is not None:
            names[row.facilitator_id] = row.name
            windows[row.facilitator_id].append(Window(row.weekday, row.start_time, row.end_time))
    booked = queries.booked_hours(period)
    rows = []
    for facilitator, name in sorted(names.items(), key=lambda item: item[1]):
        availability = Availability(
            tuple(windows[facilitator]), tuple(extras[facilitator]), tuple(absences[facilitator])
        )
        available = open_hours(availability, period.first, period.last)
        hours = booked.get(facilitator, 0.0)
        rows.append((name, round(available, 1), round(hours, 1), hours / available if available else None))
    total_available = sum(r[1] for r in rows)
    total_booked = sum(r[2] for r in rows)
    section = Section("facilitatorer", _("Facilitatorer"))
    section.figures = [
        Figure(
            "belaggning",
            _("Beläggning, alla facilitatorer"),
            PERCENT,
            total_booked / total_available if total_available else None,
            None,
            str(_UTILISATION),
        ),
    ]
    section.tables = [
        Table(
            "belaggning",
            _("Beläggning per facilitator"),
            [
                Column(_("Facilitator"), TEXT),
                Column(_("Tillgängliga timmar"), HOURS),
                Column(_("Bokade timmar"), HOURS),
                Column(_("Beläggning"), PERCENT),
            ],
            rows,
            str(_UTILISATION),
            chart="bars",
            plotted=(3,),
        ),
    ]
    return section


# --- networks -------------------------------------------------------------------------------------------


def _networks(totals: PeriodTotals, counts: list[GroupedCount]) -> Section:
    phases = totals.phases
    per_county: defaultdict[str | None, int] = defaultdict(int)
    for row in counts:
        if row.measure == queries.REACHED:
            per_county[str(row.value) if row.value else None] += row.number

    section = Section("natverk", _("Beställarnätverk"))
    section.figures = [
        Figure(
            "natverk",
            _("Nätverk vid periodens slut"),
            COUNT,
            sum(phases.values()),
            None,
            _("Nätverk som fanns vid periodens slut, oavsett fas (även avslutade)."),
        ),
        Figure(
            "fasbyten",
            _("Fasbyten"),
            COUNT,
            *_now_and_before(totals[queries.PHASE_CHANGES]),
            _("Antal gånger ett nätverk flyttades till en ny fas under perioden."),
        ),
        Figure(
            "medlemmar",
            _("Medlemsorganisationer"),
            COUNT,
            *_now_and_before(totals[queries.MEMBERS]),
            _(
                "Organisationer som vid periodens slut hade tackat ja till minst ett nätverk och fortfarande är "
                "aktiva medlemmar (värd, medlem eller observatör). Varje organisation räknas en gång."
            ),
        ),
        Figure(
            "nadda",
            _("Organisationer nådda för första gången"),
            COUNT,
            *_now_and_before(totals[queries.REACHED]),
            _(
                "Organisationer vars första ja till ett nätverk (nu aktiva eller senare lämnade) kom under "
                "perioden. Med ett behovsområde valt: första nätverket inom området."
            ),
        ),
        Figure(
            "kopkraft",
            _("Samlad köpkraft per år (kr)"),
            SEK,
            *_now_and_before(totals[queries.POOLED_SEK]),
            _(
                "Det kontrakterade värde som nätverkens aktiva medlemmar (vid periodens slut, i nätverk som inte "
                "är avslutade) upphandlat inom sina nätverks CPV-grenar enligt upphandlingsstatistiken, som snitt "
                "per år för statistikens tre senaste år. Varje upphandling räknas en gång, även när "
                "organisationen är med i flera nätverk eller grenar – så räknas varje organisation och gren en "
                "gång, och aldrig en organisations hela budget."
            ),
        ),
        Figure(
            "aktiviteter",
            _("Genomförda aktiviteter"),
            COUNT,
            *_now_and_before(totals[queries.ACTIVITIES]),
            _(
                "Nätverksmöten, marknadsdialoger, studiebesök och workshoppar som började under perioden och "
                "före i dag."
            ),
        ),
        Figure(
            "marknadsdialoger",
            _("Genomförda marknadsdialoger"),
            COUNT,
            *_now_and_before(totals[queries.MARKET_DIALOGUES]),
            _("Aktiviteter av typen marknadsdialog som började under perioden och före i dag."),
        ),
    ]
    section.tables = [
        Table(
            "natverk-per-fas",
            _("Nätverk per fas vid periodens slut"),
            [Column(_("Fas"), TEXT), Column(_("Nätverk"))],
            [(str(label), phases.get(phase, 0)) for phase, label in PHASES.items()],
            _("Varje nätverk i den fas det var i vid periodens slut (enligt dess historik)."),
            chart="bars",
        ),
        Table(
            "nadda-per-lan",
            _("Organisationer nådda för första gången, per län"),
            [Column(_("Län"), TEXT), Column(_("Organisationer"))],
            [(str(name), per_county[code]) for code, name in COUNTIES.items()]
            + ([(_("Okänt län"), per_county[None])] if per_county[None] else []),
            _("Som nyckeltalet Organisationer nådda för första gången, fördelat på organisationens län."),
            chart="bars",
        ),
    ]
    return section


# --- challenges -----------------------------------------------------------------------------------------


def _challenges(totals: PeriodTotals, counts: list[GroupedCount], need_areas: list[tuple[int, str]]) -> Section:
    measures = (queries.SUBMITTED, queries.REVIEWED_CHALLENGES, queries.MATCHED_CHALLENGES)

    def breakdown(
        key: str, title: str, header: str, by: str, dimension: str, keys: Sequence[tuple[object, str]]
    ) -> Table:
        """The period's counts per ``dimension`` of a grouped count (need area, län or organisation kind); a row
        for "none" only when it holds something."""
        sums: defaultdict[tuple[object, str], int] = defaultdict(int)
        for row in counts:
            if row.dimension == dimension:
                sums[row.value, row.measure] += row.number
        rows: list[tuple[object, ...]] = []
        for value, label in keys:
            counted = [sums[value, m] for m in measures]
            if value is not None or any(counted):
                rows.append((label, *counted))
        return Table(
            key,
            title,
            [Column(header, TEXT), Column(_("Inskickade")), Column(_("Granskade")), Column(_("Matchade"))],
            rows,
            _("Utmaningar inskickade, granskade och matchade till ett nätverk under perioden, efter %(by)s.", by=by),
            chart="bars",
        )

    section = Section("utmaningar", _("Utmaningar"))
    section.figures = [
        Figure(
            "inskickade",
            _("Inskickade utmaningar"),
            COUNT,
            *_now_and_before(totals[queries.SUBMITTED]),
            _("Utmaningar vars första inskickning skedde under perioden."),
        ),
        Figure(
            "granskade",
            _("Granskade utmaningar"),
            COUNT,
            *_now_and_before(totals[queries.REVIEWED_CHALLENGES]),
            _(
                "Utmaningar som myndigheten markerade som granskade under perioden (enligt historiken; varje "
                "utmaning räknas en gång per period)."
            ),
        ),
        Figure(
            "matchade",
            _("Matchade utmaningar"),
            COUNT,
            *_now_and_before(totals[queries.MATCHED_CHALLENGES]),
            _("Utmaningar som kopplades till ett beställarnätverk under perioden (status matchad)."),
        ),
    ]
    counties = [(code, str(name)) for code, name in COUNTIES.items()]
    section.tables = [
        breakdown(
            "utmaningar-per-behovsomrade",
            _("Utmaningar per behovsområde"),
            _("Behovsområde"),
            _("behovsområde"),
            "need_area_id",
            [*need_areas, (None, _("Inget behovsområde"))],
        ),
        breakdown(
            "utmaningar-per-lan",
            _("Utmaningar per län"),
            _("Län"),
            _("organisationens län"),
            "county_code",
            [*counties, (None, _("Okänt län"))],
        ),
        breakdown(
            "utmaningar-per-organisationstyp",
            _("Utmaningar per organisationstyp"),
            _("Organisationstyp"),
            _("organisationstyp"),
            "org_kind",
            [(kind, str(label)) for kind, label in KINDS.items()],
        ),
    ]
    return section


# --- showing values -------------------------------------------------------------------------------------


def format_value(value: object, unit: str) -> str:
    """A value as people read it in the current language: 1 234, 87,5 %, 1 234 kr, mars 2026; – for none."""
    if value is None:
        return "–"
    if unit == TEXT:
        return str(value)
    if unit == MONTH and isinstance(value, date):
        return format_date(value, "LLLL y")
    if unit == SEK and isinstance(value, int | float):
        return money(value)
    if unit == PERCENT and isinstance(value, int | float):
        return f"{number(round(value * 100, 1))}\u00a0%"
    if isinstance(value, float):
        return number(round(value, 1))
    return number(value) if isinstance(value, int) else str(value)


def format_change(figure: Figure) -> str:
    """The change against the previous period with its sign (percentage points for shares), or ""."""
    change = figure.change
    if change is None:
        return ""
    if change == 0:
        return _("oförändrat")
    sign = "+" if change > 0 else "−"
    if figure.unit == PERCENT:
        return _("%(change)s procentenheter", change=f"{sign}{number(round(abs(change) * 100, 1))}")
    return f"{sign}{format_value(abs(change) if figure.unit != COUNT else int(abs(change)), figure.unit)}"


def chart_of(table: Table) -> Chart | None:
    """The table drawn as its chart (None for a table without one, or without any values)."""
    if table.chart is None or not table.rows:
        return None
    labels = [format_value(row[0], table.columns[0].unit) for row in table.rows]
    series = [[float(row[i] or 0) for row in table.rows] for i in table.plotted]
    texts = [[format_value(row[i], table.columns[i].unit) for row in table.rows] for i in table.plotted]
    if table.chart == "columns":
        short = [
            format_date(row[0], "MMM") if isinstance(row[0], date) else label
            for row, label in zip(table.rows, labels, strict=True)
        ]
        return column_chart(short, series, texts)
    return bar_chart(labels, series[0], texts[0])
