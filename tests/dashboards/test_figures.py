"""Every dashboard figure computed on the hand-checkable data set in conftest.py, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.formatting import STOCKHOLM
from blueprints.dashboards.figures import Dashboard, build_dashboard
from blueprints.dashboards.forms import DashboardFilter
from blueprints.networks.models import Network, NetworkActivity
from blueprints.vocabulary.queries import need_area_choices

TODAY = date(2026, 11, 21)


def dashboard(app, **args) -> Dashboard:
    with app.test_request_context():
        flt, errors = DashboardFilter.from_args(
            {"period": "egen", "start": "2025-01-01", "end": "2025-12-31", **args}, need_area_ids=set(range(1, 1000))
        )
        assert errors == []
        return build_dashboard(flt.scope(TODAY), TODAY, need_area_choices())


def figures(board: Dashboard) -> dict[str, tuple]:
    return {f.key: (f.value, f.previous) for s in board.sections for f in s.figures}


def rows(board: Dashboard, key: str) -> dict:
    table = board.table(key)
    assert table is not None
    return {row[0]: row[1:] for row in table.rows}


def test_support_figures(app, reporting):
    got = figures(dashboard(app))
    # 2025 in Swedish time: seven requests (the one at 00:30 on New Year's Day is 2026's; the 2024 one is the
    # previous period's). Answered after 0, 1, 1, 1, 3 and 7 working days; one never: 5 of 7 in time.
    assert got["nya_forfragningar"] == (7, 1)
    assert got["svar_i_tid"][0] == pytest.approx(5 / 7)
    assert got["svar_i_tid"][1] == 1.0
    assert got["svarstid_median"] == (1.0, 1.0)
    # Three sessions held; the cancelled one is not held, the no-show is counted as such.
    assert got["sessioner_genomforda"] == (3, 1)
    assert got["uteblivna"] == (1, 0)
    # Ratings 4 and 5 answered of three feedback links.
    assert got["betyg"][0] == pytest.approx(4.5)
    assert got["svarsfrekvens"][0] == pytest.approx(2 / 3)


def test_sessions_per_kind_and_month(app, reporting):
    board = dashboard(app)
    per_kind = rows(board, "sessioner-per-stodform")
    assert per_kind["Workshop"] == (2, 1, 1, 0)  # held, no-show, cancelled, booked
    assert per_kind["Dialogmöte med leverantörer"] == (1, 0, 0, 0)
    per_month = rows(board, "per-manad")
    assert len(per_month) == 12
    assert per_month[date(2025, 3, 1)] == (1, 2, 0, 0)  # requests, held, no-shows, cancelled
    assert per_month[date(2025, 4, 1)] == (1, 1, 0, 0)
    assert per_month[date(2025, 5, 1)] == (0, 0, 0, 1)
    assert per_month[date(2025, 12, 1)] == (2, 0, 0, 0)  # the 19th and the 31st at 23:30
    assert per_month[date(2025, 1, 1)] == (0, 0, 0, 0)  # a month without data


def test_filters_narrow_support_figures(app, reporting):
    # Västra Götaland (Göteborg) only: Malmö's request (answered the same day) is left out.
    got = figures(dashboard(app, county="14"))
    assert got["nya_forfragningar"] == (6, 1)
    assert got["svar_i_tid"][0] == pytest.approx(4 / 6)
    got = figures(dashboard(app, need_area=str(reporting["area_b"])))
    assert got["nya_forfragningar"] == (1, 0)
    assert got["svarstid_median"] == (0.0, None)
    assert got["sessioner_genomforda"] == (0, 0)  # the sessions belong to an area A request
    got = figures(dashboard(app, org_kind="region"))
    assert got["nya_forfragningar"] == (0, 0)
    assert got["svar_i_tid"] == (None, None)


def test_network_figures(app, reporting):
    board = dashboard(app)
    got = figures(board)
    assert got["natverk"] == (2, None)  # the third was created in 2026
    assert got["fasbyten"] == (2, 0)
    assert got["medlemmar"] == (2, 1)  # Malmö since 2024, Göteborg since February; the invitation is not
    assert got["nadda"] == (1, 1)
    # (4 000 000 + 2 000 000 + 3 000 000) / 2 years held now; only Malmö was a member at the end of 2024.
    assert got["kopkraft"] == (4_500_000, 1_500_000)
    assert got["aktiviteter"] == (2, 0)  # the 2026 workshop is not in the period
    assert got["marknadsdialoger"] == (1, 0)
    assert rows(board, "natverk-per-fas") == {"Initiera": (1,), "Starta": (0,), "Driva": (1,), "Avslutad": (0,)}
    reached = rows(board, "nadda-per-lan")
    assert reached["Västra Götalands län"] == (1,)
    assert reached["Skåne län"] == (0,)
    # At the end of March the first network was still in phase Starta.
    early = dashboard(app, end="2025-03-31")
    assert rows(early, "natverk-per-fas")["Starta"] == (1,)


def test_network_figures_by_county(app, reporting):
    got = figures(dashboard(app, county="12"))  # Skåne: Malmö only
    assert got["medlemmar"] == (1, 1)
    assert got["nadda"] == (0, 1)
    assert got["kopkraft"] == (1_500_000, 1_500_000)  # Malmö's 3 000 000 over 2 years


def test_pooled_power_counts_each_organisation_and_branch_once_across_networks(app, reporting, people):
    """A second network with Göteborg, in group 601 (which holds class 6013): Göteborg's school transport is
    already counted by the first network and is not counted again; its other group-601 purchase is new."""
    from blueprints.networks.models import NetworkMember
    from blueprints.vocabulary.models import CpvCode

    with app.app_context():
        network = Network(name="Vägtransporter", need_area_id=reporting["area_a"], phase="driva")
        network.members = [
            NetworkMember(organisation_id=people["home"].id, role="vard", status="aktiv", answered_at=utcnow())
        ]
        network.cpv_codes = [db.session.get(CpvCode, "60100000"), db.session.get(CpvCode, "60130000")]
        db.session.add(network)
        db.session.commit()
    got = figures(dashboard(app, end="2026-12-31", start="2026-01-01"))
    # (4 000 000 + 2 000 000 + 3 000 000 + 500 000) / 2 years: never 4 000 000 twice, never a budget.
    assert got["kopkraft"][0] == 4_750_000


def test_challenge_figures(app, reporting):
    board = dashboard(app)
    got = figures(board)
    assert got["inskickade"] == (2, 1)
    assert got["granskade"] == (3, 0)  # C1, C2, and C3 (submitted in 2024, reviewed in 2025)
    assert got["matchade"] == (1, 0)
    assert rows(board, "utmaningar-per-behovsomrade") == {
        "Fossilfria transporter": (1, 2, 1),
        "Livsmedel och måltider": (1, 1, 0),
    }
    by_county = rows(board, "utmaningar-per-lan")
    assert by_county["Västra Götalands län"] == (1, 2, 1)
    assert by_county["Skåne län"] == (1, 1, 0)
    assert rows(board, "utmaningar-per-organisationstyp")["Kommun"] == (2, 3, 1)


def test_a_period_without_data(app, reporting):
    with app.test_request_context():
        flt, _errors = DashboardFilter.from_args({"period": "egen", "start": "2019-01-01", "end": "2019-03-31"}, set())
        got = figures(build_dashboard(flt.scope(TODAY), TODAY, need_area_choices()))
    assert got["nya_forfragningar"] == (0, 0)
    assert got["svar_i_tid"] == (None, None)
    assert got["betyg"] == (None, None)
    assert got["natverk"] == (0, None)
    assert got["belaggning"] == (pytest.approx(0.0), None)


def test_activities_count_once_started_and_every_view_reads_afresh(app, reporting):
    """Statements are kept per scope, results never: the same scope shows what was added since, and an activity
    counts from the moment it starts (the present moment is a parameter of the kept statement)."""
    now = utcnow()
    today = now.astimezone(STOCKHOLM).date()
    around_today = {"start": (today - timedelta(days=10)).isoformat(), "end": (today + timedelta(days=10)).isoformat()}
    assert figures(dashboard(app, **around_today))["aktiviteter"][0] == 0
    with app.app_context():
        network = db.session.scalars(sa.select(Network).order_by(Network.id)).first()
        for title, starts in (("Har börjat", now - timedelta(days=1)), ("Kommande", now + timedelta(days=1))):
            network.activities.append(
                NetworkActivity(kind="workshop", title=title, starts_at=starts, ends_at=starts + timedelta(hours=2))
            )
        db.session.commit()
    assert figures(dashboard(app, **around_today))["aktiviteter"][0] == 1  # tomorrow's is not yet held


def test_the_kept_pooled_power_follows_members_and_statistics(app, reporting, people, pinned_clock):
    """The figure is kept between requests until the networks, organisations or statistics change."""
    from blueprints.networks.models import NetworkMember
    from blueprints.statistics.models import Procurement

    assert figures(dashboard(app))["kopkraft"] == (4_500_000, 1_500_000)
    assert figures(dashboard(app))["kopkraft"] == (4_500_000, 1_500_000)  # kept
    with app.app_context():
        db.session.add(
            Procurement(
                record_key="later",
                procurement_key="L1",
                year=2021,
                organisation_id=people["other"].id,
                buyer_name="MALMÖ",
                buyer_org_number="2120000837",
                cpv_code="60130000",
                title="Skolskjuts",
                contracted_value_sek=1_000_000,
            )
        )
        db.session.commit()
    assert figures(dashboard(app))["kopkraft"] == (5_000_000, 2_000_000)  # a new purchase counts at once
    with app.app_context():
        member = db.session.scalar(sa.select(NetworkMember).where(NetworkMember.organisation_id == people["other"].id))
        member.status = "lamnat"
        db.session.commit()
    assert figures(dashboard(app))["kopkraft"][0] == 3_000_000  # Göteborg's 6 000 000 over 2 years
