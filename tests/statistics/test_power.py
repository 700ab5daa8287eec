"""Pooled purchasing power as defined on every page: what the group's organisations bought in the CPV branches
over the statistics' last three years, each procurement once, never a budget; and amounts at a readable scale."""

import pytest

from blueprints.core.i18n import money_short
from blueprints.statistics.power import annual_power_of_groups, branch_ranges, pooled_power


@pytest.fixture
def bought(app, people, make_procurement):
    """Göteborg (home) and Malmö (other): road transport in 2019-2021 and earlier, meals, a value unknown."""
    home, other = people["home"], people["other"]
    make_procurement(home, "60130000", 2021, 4_000_000)  # class 6013, in group 601
    make_procurement(home, "60112000", 2020, 1_000_000)  # group 601, not class 6013
    make_procurement(home, "60130000", 2018, 9_000_000)  # before the window (2019-2021)
    make_procurement(home, "15894210", 2021, 7_000_000)  # meals
    make_procurement(other, "60130000", 2019, 3_000_000)
    make_procurement(other, "60130000", 2021, None)  # value not known: counted, adds nothing
    make_procurement(other, None, 2021, 5_000_000)  # CPV missing: in no branch
    return home.id, other.id


def test_the_window_is_the_statistics_last_three_years_and_a_code_stands_for_its_branch(app_ctx, bought):
    home, other = bought
    power = pooled_power([home, other], ["60100000"])
    assert power.held_years == [2019, 2020, 2021]
    assert [(y.year, y.procurements, y.value_sek, y.organisations) for y in power.years] == [
        (2019, 1, 3_000_000, 1),
        (2020, 1, 1_000_000, 1),
        (2021, 2, 4_000_000, 2),
    ]
    assert power.annual_sek == round(8_000_000 / 3) and power.procurements == 4
    assert power.by_organisation == {home: (2, 5_000_000), other: (2, 3_000_000)}
    assert pooled_power([home, other], ["60130000"]).annual_sek == round(7_000_000 / 3)


def test_overlapping_codes_and_repeated_members_count_each_procurement_once(app_ctx, bought):
    home, other = bought
    once = pooled_power([home, other], ["60100000"])
    overlapping = pooled_power([home, other, home], ["60100000", "60130000"])
    assert pooled_power([home, other], ["60000000"]).annual_sek == once.annual_sek
    assert overlapping.organisations == 2 and overlapping.annual_sek == once.annual_sek
    assert branch_ranges(["60130000", "60100000", "60112000"]) == [("601", "602")]


def test_a_budget_is_never_part_of_it(app_ctx, bought, people):
    from blueprints.core.db import db
    from blueprints.organisations.models import Organisation

    home, _other = bought
    db.session.get(Organisation, home).annual_volume_sek = 9_800_000_000
    db.session.commit()
    assert pooled_power([home], ["60130000"]).annual_sek == round(4_000_000 / 3)
    assert pooled_power([home], ["33000000"]).annual_sek == 0  # bought nothing there: zero, not a budget


def test_without_statistics_there_is_no_figure(app_ctx, people):
    power = pooled_power([people["home"].id], ["60130000"])
    assert power.annual_sek is None and power.years == [] and power.held_years == []


def test_several_groups_at_once_give_the_same_figures(app_ctx, bought):
    home, other = bought
    groups = {"both": ([home, other], ["60100000", "60130000"]), "meals": ([home], ["15800000"]), "none": ([], [])}
    assert annual_power_of_groups(groups) == {
        "both": pooled_power([home, other], ["60100000"]).annual_sek,
        "meals": round(7_000_000 / 3),
    }


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2_300_000_000, "2,3\u00a0mdkr"),
        (480_000_000, "480\u00a0mnkr"),
        (48_500_000, "48,5\u00a0mnkr"),
        (950_000, "950\u00a0tkr"),
        (1234, "1\u00a0234\u00a0kr"),
    ],
)
def test_amounts_are_shown_at_a_readable_scale_the_swedish_way(app, value, shown):
    with app.test_request_context():
        assert money_short(value).replace(" ", "\u00a0") == shown
