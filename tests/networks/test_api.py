"""The matching API and personal API tokens: JSON shape, sessions and Bearer tokens, revocation, refusals."""

import re
from datetime import timedelta

import sqlalchemy as sa

from blueprints.accounts.models import ApiToken
from blueprints.core.db import db, utcnow
from blueprints.core.formatting import STOCKHOLM
from tests.conftest import TEST_PASSWORD, csrf_token


def _create_token(client, name="Power BI"):
    token = csrf_token(client)
    response = client.post("/profil/api-nycklar", data={"csrf_token": token, "token-name": name})
    assert response.status_code == 200
    match = re.search(r'id="new-api-token">(kk_[^<]+)<', response.get_data(as_text=True))
    assert match, "the new token is shown once"
    return match.group(1)


def test_staff_session_gets_matches_as_json_with_only_other_organisations(
    app, client, auth, people, make_challenge, make_network
):
    mine = make_challenge("Fossilfri skolskjuts")
    theirs = make_challenge("Skolskjutsar med elbuss", organisation="other")
    make_challenge("Skolskjuts i norr", organisation="home")
    network_id = make_network("Nätverk för fossilfria skolskjutsar")
    auth.login("manager@example.org")
    response = client.get(f"/api/v1/challenges/{mine}/matches?k=5")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["challenge"] == mine
    kinds = {(m["type"], m["id"]) for m in body["matches"]}
    assert ("challenge", theirs) in kinds and ("network", network_id) in kinds
    challenge = next(m for m in body["matches"] if m["type"] == "challenge")
    assert challenge["organisation"] == {"name": "Malmö kommun", "org_number": "212000-0837"}
    assert challenge["title"] == "Skolskjutsar med elbuss"
    assert (
        0 <= challenge["score"] <= 1
        and "Samma CPV-kod: 60130000 Passagerartransport på väg för särskilda ändamål" in challenge["reasons"]
    )
    network = next(m for m in body["matches"] if m["type"] == "network")
    assert "organisation" not in network
    assert all(m["type"] != "challenge" or m["organisation"]["name"] != "Göteborgs kommun" for m in body["matches"])
    assert client.get(f"/api/v1/challenges/{mine}/matches?k=1").get_json()["matches"].__len__() == 1


def test_api_refuses_bad_input_and_unknown_challenges_with_json(app, client, auth, people, make_challenge):
    mine = make_challenge()
    auth.login("facilitator@example.org")
    for k in ("0", "51", "abc"):
        response = client.get(f"/api/v1/challenges/{mine}/matches?k={k}")
        assert response.status_code == 400 and "k ska vara ett heltal" in response.get_json()["error"]
    assert client.get("/api/v1/challenges/999999/matches").status_code == 404


def test_a_personal_token_works_until_it_is_revoked_and_is_stored_hashed(app, client, auth, people, make_challenge):
    mine = make_challenge()
    auth.login("facilitator@example.org")
    secret = _create_token(client)
    assert secret not in client.get("/profil").get_data(as_text=True)  # shown once only
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash != secret and secret not in token.token_hash and token.prefix == secret[:10]
        token_id = token.id
    api = app.test_client()  # no session: the token alone
    response = api.get(f"/api/v1/challenges/{mine}/matches", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.get_json()["challenge"] == mine
    with app.app_context():
        assert db.session.get(ApiToken, token_id).last_used_at is not None

    response = client.post(f"/profil/api-nycklar/{token_id}/aterkalla", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    response = api.get(f"/api/v1/challenges/{mine}/matches", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "återkallad" in response.get_json()["error"]
    assert (
        api.get(f"/api/v1/challenges/{mine}/matches", headers={"Authorization": "Bearer kk_wrong"}).status_code == 401
    )
    assert api.get(f"/api/v1/challenges/{mine}/matches").status_code == 401


def test_buyers_can_neither_use_the_api_nor_make_tokens(app, client, auth, people, make_challenge, make_user):
    mine = make_challenge()
    auth.login("buyer@example.org")
    response = client.get(f"/api/v1/challenges/{mine}/matches")
    assert response.status_code == 403 and "behörighet" in response.get_json()["error"]
    assert "API-nycklar" not in client.get("/profil").get_data(as_text=True)
    assert (
        client.post("/profil/api-nycklar", data={"csrf_token": csrf_token(client), "token-name": "x"}).status_code
        == 403
    )
    # A token of someone who has since become a buyer only is refused too.
    auth.logout()
    auth.login("facilitator@example.org")
    secret = _create_token(client)
    with app.app_context():
        from blueprints.accounts.models import User

        db.session.get(User, people["facilitator"]).set_roles({"buyer"})
        db.session.commit()
    response = app.test_client().get(
        f"/api/v1/challenges/{mine}/matches", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 403


def test_a_token_needs_a_name(app, client, auth, people):
    auth.login("facilitator@example.org")
    response = client.post("/profil/api-nycklar", data={"csrf_token": csrf_token(client), "token-name": " "})
    assert response.status_code == 422 and "Fyll i fältet." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def _matches(app, challenge, secret):
    return app.test_client().get(
        f"/api/v1/challenges/{challenge}/matches", headers={"Authorization": f"Bearer {secret}"}
    )


def test_a_token_expires_after_ninety_days_and_the_profile_says_when(app, client, auth, people, make_challenge):
    mine = make_challenge()
    auth.login("facilitator@example.org")
    secret = _create_token(client)
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert abs(token.expires_at - token.created_at - timedelta(days=90)) < timedelta(seconds=1)
        expiry = token.expires_at
    page = client.get("/profil").get_data(as_text=True)
    assert "Gäller till" in page and expiry.astimezone(STOCKHOLM).strftime("%Y-%m-%d") in page
    assert _matches(app, mine, secret).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert _matches(app, mine, secret).status_code == 401
    assert "Du har inga API-nycklar." in client.get("/profil").get_data(as_text=True)


def test_changing_the_password_revokes_every_token(app, client, auth, people, make_challenge):
    mine = make_challenge()
    auth.login("facilitator@example.org")
    secret = _create_token(client)
    response = client.post(
        "/profil/losenord",
        data={
            "csrf_token": csrf_token(client),
            "current_password": TEST_PASSWORD,
            "password": "ett helt nytt långt lösenord",
            "confirm": "ett helt nytt långt lösenord",
        },
    )
    assert response.status_code == 303
    assert _matches(app, mine, secret).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken)).revoked_at is not None


def test_the_current_password_is_not_accepted_as_the_new_one(app, client, auth, people):
    auth.login("facilitator@example.org")
    response = client.post(
        "/profil/losenord",
        data={
            "csrf_token": csrf_token(client),
            "current_password": TEST_PASSWORD,
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "Välj ett annat lösenord än det du har nu." in response.get_data(as_text=True)
