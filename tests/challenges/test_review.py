"""Staff review: the queue, comments (visible or internal), return, review, archive; history and e-mails."""

import sqlalchemy as sa

from blueprints.challenges.models import Challenge
from blueprints.core.db import db
from blueprints.core.models import OutboxEmail
from tests.conftest import csrf_token


def _decide(client, challenge_id, action, note=""):
    return client.post(
        f"/utmaningar/{challenge_id}/beslut",
        data={"csrf_token": csrf_token(client), "action": action, "note": note},
    )


def _mails(app):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _status(app, challenge_id):
    with app.app_context():
        return db.session.get(Challenge, challenge_id).status


def test_queue_lists_submitted_oldest_first(client, auth, people, make_challenge):
    make_challenge(title="Inskickad A")
    make_challenge(title="Ett utkast", status="draft")
    auth.login("manager@example.org")
    html = client.get("/utmaningar/granskning").get_data(as_text=True)
    assert "Inskickad A" in html and "Ett utkast" not in html


def test_the_queue_comes_a_page_at_a_time(app, client, auth, people, make_challenge, pinned_clock):
    from datetime import timedelta

    from blueprints.core.db import utcnow

    for n in range(60):
        make_challenge(title=f"Behov {n:02d}", submitted_at=utcnow() + timedelta(minutes=n))
    auth.login("facilitator@example.org")
    first = client.get("/utmaningar/granskning").get_data(as_text=True)
    assert "60 träffar" in first and "Behov 00" in first and "Behov 49" in first and "Behov 50" not in first
    assert 'href="/utmaningar/granskning?page=2"' in first
    second = client.get(
        "/utmaningar/granskning?page=2", headers={"HX-Request": "true", "HX-Request-Type": "partial"}
    ).get_data(as_text=True)
    assert "Behov 50" in second and "Behov 59" in second and "Behov 49" not in second
    assert "<h1>" not in second  # the results alone


def test_return_needs_a_note_then_buyer_completes_and_staff_review(app, client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("facilitator@example.org")
    refused = _decide(client, challenge_id, "return")
    assert refused.status_code == 422 and "Skriv vad som behöver kompletteras." in refused.get_data(as_text=True)
    assert _decide(client, challenge_id, "return", "Ange volymen, tack.").status_code == 303
    assert _status(app, challenge_id) == "returned"
    [mail] = _mails(app)
    assert mail.recipient == "buyer@example.org" and "återlämnad för komplettering" in mail.subject
    assert "Ange volymen, tack." in mail.body_text
    auth.logout()

    auth.login("buyer@example.org")
    page = client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True)
    assert "Återlämnad för komplettering" in page and "Ange volymen, tack." in page
    assert client.get(f"/utmaningar/{challenge_id}/redigera").status_code == 200
    auth.logout()

    auth.login("facilitator@example.org")
    with app.app_context():
        db.session.execute(sa.update(Challenge).values(status="submitted"))
        db.session.commit()
    assert _decide(client, challenge_id, "review").status_code == 303
    assert _status(app, challenge_id) == "reviewed"
    assert "granskad" in _mails(app)[-1].subject
    history = client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True)
    assert history.count("Fredrik Facilitator") >= 2


def test_archive_and_no_way_back(app, client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("admin@example.org")
    assert _decide(client, challenge_id, "archive").status_code == 303
    assert _status(app, challenge_id) == "archived"
    again = _decide(client, challenge_id, "review")
    assert again.status_code == 422 and "kan inte bli granskad" in again.get_data(as_text=True)


def test_unknown_action_is_a_bad_request(client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("facilitator@example.org")
    assert _decide(client, challenge_id, "delete").status_code == 400


def test_internal_comments_are_hidden_from_buyers(client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    client.post(f"/utmaningar/{challenge_id}/kommentarer", data={"csrf_token": token, "body": "Bra initiativ!"})
    client.post(
        f"/utmaningar/{challenge_id}/kommentarer",
        data={"csrf_token": token, "body": "Liknar Umeås behov.", "internal": "y"},
    )
    empty = client.post(f"/utmaningar/{challenge_id}/kommentarer", data={"csrf_token": token, "body": ""})
    assert empty.status_code == 422
    staff_view = client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True)
    assert "Bra initiativ!" in staff_view and "Liknar Umeås behov." in staff_view
    auth.logout()
    auth.login("buyer@example.org")
    buyer_view = client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True)
    assert "Bra initiativ!" in buyer_view and "Liknar Umeås behov." not in buyer_view


def test_managers_read_but_do_not_decide(client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("manager@example.org")
    page = client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True)
    assert "Markera som granskad" not in page
    assert _decide(client, challenge_id, "review").status_code == 403


def test_decisions_are_confirmed_in_the_deciders_language(app, client, auth, people, make_challenge):
    with app.app_context():
        from blueprints.accounts.models import User

        db.session.get(User, people["facilitator"]).language = "en"
        db.session.commit()
    reviewed, archived = make_challenge(title="Granskas"), make_challenge(title="Arkiveras")
    auth.login("facilitator@example.org")
    page = client.get(_decide(client, reviewed, "review").headers["Location"]).get_data(as_text=True)
    assert "The challenge has been reviewed." in page and "Utmaningen är granskad." not in page
    page = client.get(_decide(client, archived, "archive").headers["Location"]).get_data(as_text=True)
    assert "Utmaningen är arkiverad." not in page


def test_the_review_box_comes_first_and_a_refused_decision_can_be_reloaded(app, client, auth, people, make_challenge):
    challenge_id = make_challenge()
    auth.login("facilitator@example.org")
    refused = _decide(client, challenge_id, "return").get_data(as_text=True)
    # The error summary, then the review box, come before the facts and the suggestions that load later.
    assert refused.index("data-error-summary") < refused.index('id="granskning"') + 200
    assert refused.index('id="granskning"') < refused.index('id="facts-heading"') < refused.index('id="matchning"')
    reloaded = client.get(f"/utmaningar/{challenge_id}/beslut")
    assert reloaded.status_code == 303
    assert reloaded.headers["Location"] == f"/utmaningar/{challenge_id}#granskning"


def test_the_buyer_sees_what_happens_next_withdraws_and_reads_what_to_complete(
    app, client, auth, people, make_challenge
):
    from tests.conftest import page_text

    challenge_id = make_challenge()
    auth.login("buyer@example.org")
    page = page_text(client.get(f"/utmaningar/{challenge_id}").get_data(as_text=True))
    assert "Vad händer nu?" in page and "Myndigheten granskar utmaningen." in page
    token = csrf_token(client)
    assert client.post(f"/utmaningar/{challenge_id}/dra-tillbaka", data={"csrf_token": token}).status_code == 303
    assert _status(app, challenge_id) == "draft"
    assert client.post(f"/utmaningar/{challenge_id}/dra-tillbaka", data={"csrf_token": token}).status_code == 403
    # Submitted again and returned by staff: the completion form shows what they asked for.
    with app.app_context():
        db.session.get(Challenge, challenge_id).status = "submitted"
        db.session.commit()
    auth.logout()
    auth.login("facilitator@example.org")
    _decide(client, challenge_id, "return", note="Ange den årliga volymen.")
    auth.logout()
    auth.login("buyer@example.org")
    form = page_text(client.get(f"/utmaningar/{challenge_id}/redigera").get_data(as_text=True))
    assert "Det här behöver kompletteras" in form and "Ange den årliga volymen." in form


def test_a_buyer_with_the_same_need_starts_a_draft_and_the_owners_and_staff_are_told(
    app, client, auth, people, make_challenge
):
    from tests.conftest import page_text

    theirs = make_challenge("Fossilfri skolskjuts på landsbygden", organisation="other")
    auth.login("buyer@example.org")
    page = page_text(client.get(f"/utmaningar/{theirs}").get_data(as_text=True))
    assert "Har ni samma behov?" in page
    token = csrf_token(client)
    response = client.post(f"/utmaningar/{theirs}/samma-behov", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/redigera")
    with app.app_context():
        draft = db.session.scalar(
            sa.select(Challenge).where(Challenge.organisation_id == people["home"].id, Challenge.status == "draft")
        )
        assert draft.title == "Fossilfri skolskjuts på landsbygden" and [c.code for c in draft.cpv_codes] == [
            "60130000"
        ]
        original = db.session.get(Challenge, theirs)
        assert any(c.internal and "har samma behov" in c.body for c in original.comments)
    mails = [m for m in _mails(app) if m.recipient == "buyer2@example.org"]
    assert mails and "Göteborgs kommun har samma behov som er utmaning" in mails[-1].subject
    # Not on one's own challenge.
    own = make_challenge("Vår egen", organisation="home")
    assert "Har ni samma behov?" not in client.get(f"/utmaningar/{own}").get_data(as_text=True)
    assert client.post(f"/utmaningar/{own}/samma-behov", data={"csrf_token": token}).status_code == 403


def test_other_organisations_see_the_contact_person_only_when_it_is_shared(app, client, auth, people, make_challenge):
    hidden = make_challenge(
        "Skolskjuts A", organisation="other", contact_name="Britta", contact_email="britta@malmo.se"
    )
    shared = make_challenge(
        "Skolskjuts B", organisation="other", contact_name="Britta", contact_email="britta@malmo.se", share_contact=True
    )
    auth.login("buyer@example.org")
    assert "britta@malmo.se" not in client.get(f"/utmaningar/{hidden}").get_data(as_text=True)
    assert "britta@malmo.se" in client.get(f"/utmaningar/{shared}").get_data(as_text=True)
    auth.logout()
    auth.login("facilitator@example.org")
    assert "britta@malmo.se" in client.get(f"/utmaningar/{hidden}").get_data(as_text=True)  # staff always
