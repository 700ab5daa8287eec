"""Numbers beyond the database's range in addresses, filters and forms: a clean 404, an ignored filter or a
Swedish message, never a 500 (PostgreSQL refuses such numbers as integer parameters)."""

import pytest

from blueprints.core.args import MAX_ID, int_arg, int_args, page_arg
from tests.challenges.conftest import areas, make_challenge  # noqa: F401 (fixtures)

HUGE = "99999999999"


def test_int_arg_keeps_only_ids_in_range():
    assert int_arg("42") == 42 and int_arg(" 7 ") == 7 and int_arg(MAX_ID) == MAX_ID
    assert [int_arg(v) for v in (None, "", "0", "-3", "4.5", "x", HUGE, str(MAX_ID + 1))] == [None] * 8
    assert int_arg("2027", maximum=9999) == 2027 and int_arg("99999", maximum=9999) is None
    assert int_args(["3", "x", "3", HUGE, "5"]) == [3, 5]
    assert page_arg(HUGE) == 1 and page_arg("4") == 4


@pytest.mark.parametrize(
    "path",
    [
        f"/utmaningar/{HUGE}",
        f"/utmaningar/{HUGE}/forslag",
        f"/natverk/{HUGE}",
        f"/organisationer/{HUGE}",
        f"/api/v1/challenges/{HUGE}/matches",
        f"/admin/anvandare/{HUGE}",
    ],
)
def test_huge_ids_in_addresses_are_not_found(app, client, auth, people, path):
    auth.login("admin@example.org")
    assert client.get(path).status_code == 404


def test_huge_numbers_in_list_filters_are_ignored(app, client, auth, people):
    auth.login("admin@example.org")
    for path in (
        f"/utmaningar/?need_area={HUGE}&year=99999&page={HUGE}",
        f"/natverk/?organisation={HUGE}&need_area={HUGE}&page={HUGE}",
        f"/organisationer/?page={HUGE}",
        f"/admin/anvandare?page={HUGE}",
        f"/admin/logg?page={HUGE}",
    ):
        assert client.get(path).status_code == 200, path


def test_digits_of_other_scripts_are_not_numbers(app, client, auth, people, make_challenge):  # noqa: F811
    """Digits such as "²" and "٣" pass str.isdigit but not int(): they once answered 500 (issue 16, point 9)."""
    assert [int_arg(v) for v in ("²", "٣", "1²", "１２")] == [None] * 4 and page_arg("²") == 1
    challenge = make_challenge()
    auth.login("admin@example.org")
    for path in ("/utmaningar/?page=²", "/natverk/?page=²&organisation=٣", "/organisationer/?page=²"):
        assert client.get(path).status_code == 200, path
    response = client.get(f"/api/v1/challenges/{challenge}/matches?k=²")
    assert response.status_code == 400 and response.is_json
    assert "k ska vara ett heltal" in response.get_json()["error"]


def test_the_api_answers_json_for_every_error(app, client, auth, people):
    """Ids beyond range are refused by the address itself, before the API's view: they answered HTML (issue 16,
    point 12)."""
    auth.login("admin@example.org")
    for path in (f"/api/v1/challenges/{HUGE}/matches", "/api/v1/challenges/1/matches", "/api/v1/inget-sadant"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path
        assert response.get_json()["error"]
