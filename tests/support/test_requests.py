"""Requesting support: diarienummer, confirmation e-mail, validation, documents, who sees what, and triage."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.models import OutboxEmail
from blueprints.networks.models import Network
from blueprints.support.models import SupportAttachment, SupportNote, SupportRequest
from tests.challenges.conftest import make_challenge  # noqa: F401 (fixture)
from tests.conftest import csrf_token, page_text
from tests.networks.conftest import make_network  # noqa: F401 (fixture)
from tests.support.conftest import PDF, PNG, docx_bytes, get_request, xlsx_bytes

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _form(client, **fields):
    return {
        "csrf_token": csrf_token(client),
        "title": "Upphandling av skolmåltider",
        "description": "Vi vill ha stöd i marknadsdialogen.",
        "estimated_value": "12 500 000",
        "phase": "marknadsanalys",
        "support_kinds": ["dialogmote", "workshop"],
        "preferred_from": "2027-01-11",
        "preferred_to": "2027-02-26",
        "format": "plats",
        "place": "Göteborgs stadshus",
        "cpv_codes": "55523100",
        **fields,
    }


def _submit(client, files=(), **fields):
    data = _form(client, **fields)
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/stod/ny", data=data, content_type="multipart/form-data")


def _requests(app):
    with app.app_context():
        return db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()


def _emails(app, recipient=None):
    with app.app_context():
        query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
        if recipient:
            query = query.where(OutboxEmail.recipient == recipient)
        return db.session.scalars(query).all()


def test_buyer_submits_and_gets_a_diary_number_and_a_confirmation(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(
        client, files=[("behov.pdf", PDF), ("underlag.docx", docx_bytes()), ("budget.xlsx", xlsx_bytes())]
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    year = utcnow().year
    assert f"UM {year}/0001" in page and "Upphandling av skolmåltider" in page and "Inkommen" in page
    assert "12\u00a0500\u00a0000\u00a0kr" in page and "Dialogmöte med leverantörer" in page
    (stored,) = _requests(app)
    assert stored.diary_number == f"UM {year}/0001" and stored.status == "inkommen"
    assert stored.estimated_value_sek == 12_500_000 and stored.support_kinds == ["workshop", "dialogmote"]
    with app.app_context():
        files = db.session.scalars(sa.select(SupportAttachment).order_by(SupportAttachment.id)).all()
        assert [f.content_type.rsplit(".", 1)[-1] for f in files] == ["application/pdf", "document", "sheet"]
    (email,) = _emails(app, "buyer@example.org")
    assert f"UM {year}/0001" in email.subject and "5 arbetsdagar" in email.body_text
    second = _submit(client, title="Nästa projekt")
    assert second.status_code == 303
    assert [r.diary_number for r in _requests(app)] == [f"UM {year}/0001", f"UM {year}/0002"]


def test_missing_answers_get_swedish_messages_and_nothing_is_stored(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(client, title="", support_kinds=[], phase="", estimated_value="många", preferred_to="2026-12-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fyll i fältet." in html and "Välj minst en stödform." in html and "Välj en fas." in html
    assert "Skriv värdet som ett heltal i kronor" in html
    assert "Perioden måste sluta samma dag eller efter att den börjar." in html
    assert _requests(app) == [] and _emails(app) == []


def test_a_file_renamed_to_pdf_is_refused_by_its_content(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(client, files=[("bild.pdf", PNG)])
    assert response.status_code == 422
    assert "bild.pdf är inte en PDF-, Word-, Excel- eller OpenDocument-fil." in response.get_data(as_text=True)
    word_named_pdf = _submit(client, files=[("avtal.pdf", docx_bytes())])
    assert word_named_pdf.status_code == 422
    assert "avtal.pdf har fel filändelse för sitt innehåll (docx)." in word_named_pdf.get_data(as_text=True)
    assert _requests(app) == [] and _emails(app) == []


def test_an_oversized_file_gets_413_and_nothing_is_stored(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(client, files=[("stor.pdf", PDF + b"0" * (10 * 1024 * 1024))])
    assert response.status_code == 413
    assert "stor.pdf är större än 10 MB." in response.get_data(as_text=True)
    assert _requests(app) == []


def test_documents_are_downloadable_only_by_those_who_see_the_request(app, client, auth, people, make_user):
    auth.login("buyer@example.org")
    request_id = int(_submit(client, files=[("behov.pdf", PDF)]).headers["Location"].rsplit("/", 1)[-1])
    (attachment,) = get_request(app, request_id).attachments
    url = f"/stod/{request_id}/bilagor/{attachment.id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert "behov.pdf" in download.headers["Content-Disposition"]
    auth.logout()
    auth.login("buyer2@example.org")
    assert client.get(url).status_code == 404
    assert client.get(f"/stod/{request_id}").status_code == 404
    auth.logout()
    auth.login("manager@example.org")
    assert client.get(url).status_code == 200


def test_buyers_add_documents_later_and_wrong_types_are_refused(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("buyer@example.org")
    token = csrf_token(client)
    bad = client.post(
        f"/stod/{request_id}/bilagor",
        data={"csrf_token": token, "attachments": [(io.BytesIO(PNG), "skiss.pdf")]},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "skiss.pdf är inte en PDF" in bad.get_data(as_text=True)
    good = client.post(
        f"/stod/{request_id}/bilagor",
        data={"csrf_token": token, "attachments": [(io.BytesIO(PDF), "protokoll.pdf")]},
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    assert [a.filename for a in get_request(app, request_id).attachments] == ["protokoll.pdf"]


def test_internal_notes_are_never_shown_to_buyers(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/stod/{request_id}/anteckningar", data={"csrf_token": token, "body": "Kommunen har bråttom"}
    )
    assert response.status_code == 303
    assert "Kommunen har bråttom" in client.get(f"/stod/{request_id}").get_data(as_text=True)
    auth.logout()
    auth.login("buyer@example.org")
    page = client.get(f"/stod/{request_id}").get_data(as_text=True)
    assert "Upphandling av skolskjuts" in page and "Kommunen har bråttom" not in page
    assert "Interna anteckningar" not in page
    token = csrf_token(client)
    assert client.post(f"/stod/{request_id}/anteckningar", data={"csrf_token": token, "body": "x"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportNote)) == 1


def test_staff_grant_with_the_suggested_facilitator(app, client, auth, people, make_request, working_week):
    request_id = make_request()
    auth.login("facilitator@example.org")
    detail = client.get(f"/stod/{request_id}").get_data(as_text=True)
    assert f'href="/stod/{request_id}/bevilja"' in detail  # the suggestions follow the page (a link without JS)
    page = client.get(f"/stod/{request_id}/bevilja").get_data(as_text=True)
    assert "Förslag på facilitator" in page and "Fredrik Facilitator" in page and "lediga timmar" in page
    partial = client.get(f"/stod/{request_id}/bevilja", headers=PARTIAL).get_data(as_text=True)
    assert "<html" not in partial and "lediga timmar" in partial
    assert f'<option selected value="{people["facilitator"]}">' in partial  # the best suggestion is preselected
    token = csrf_token(client)
    assert client.post(f"/stod/{request_id}/bedomning", data={"csrf_token": token}).status_code == 303
    response = client.post(
        f"/stod/{request_id}/bevilja",
        data={"csrf_token": token, "facilitator_id": str(people["facilitator"]), "comment": "Välkomna!"},
    )
    assert response.status_code == 303
    stored = get_request(app, request_id)
    assert stored.status == "beviljad" and stored.facilitator_id == people["facilitator"]
    assert [e.status for e in stored.events] == ["inkommen", "bedoms", "beviljad"]
    assert stored.first_response_at is not None
    granted = _emails(app, "buyer@example.org")[-1]
    assert (
        "är beviljad" in granted.subject
        and "Fredrik Facilitator" in granted.body_text
        and "Välkomna!" in granted.body_text
    )
    assert "Du är facilitator" in _emails(app, "facilitator@example.org")[-1].subject


def test_declining_needs_a_reason_which_is_emailed(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    empty = client.post(f"/stod/{request_id}/avsla", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and "Skriv varför förfrågan avslås." in empty.get_data(as_text=True)
    assert get_request(app, request_id).status == "inkommen"
    response = client.post(
        f"/stod/{request_id}/avsla", data={"csrf_token": token, "reason": "Projektet är redan avslutat."}
    )
    assert response.status_code == 303
    assert get_request(app, request_id).status == "avslagen"
    email = _emails(app, "buyer@example.org")[-1]
    assert "Projektet är redan avslutat." in email.body_text
    again = client.post(
        f"/stod/{request_id}/bevilja", data={"csrf_token": token, "facilitator_id": str(people["facilitator"])}
    )
    assert again.status_code == 422 and "kan inte ändras så" in again.get_data(as_text=True)


def test_buyers_cannot_triage(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/stod/{request_id}/bevilja", data={"csrf_token": token, "facilitator_id": str(people["facilitator"])}
    )
    assert response.status_code == 403
    assert get_request(app, request_id).status == "inkommen"


def test_the_queue_filters_and_flags_requests_past_the_response_target(app, client, auth, people, make_request):
    old = make_request(title="Gammal förfrågan", submitted_at=utcnow() - timedelta(days=14))
    make_request(title="Ny förfrågan", kinds=("bollplank",))
    auth.login("facilitator@example.org")
    queue = client.get("/stod/").get_data(as_text=True)
    assert queue.index("Gammal förfrågan") < queue.index("Ny förfrågan")
    assert queue.count("Över svarstiden</span>") == 1
    overdue = client.get("/stod/?age=forsenad").get_data(as_text=True)
    assert "Gammal förfrågan" in overdue and "Ny förfrågan" not in overdue
    workshop = client.get("/stod/?kind=workshop", headers=PARTIAL)
    html = workshop.get_data(as_text=True)
    assert workshop.status_code == 200 and "<html" not in html
    assert "Gammal förfrågan" in html and "Ny förfrågan" not in html
    assert f'href="/stod/{old}"' in html
    assert "Ny förfrågan" in client.get("/stod/?status=inkommen&county=14").get_data(as_text=True)
    assert "Ny förfrågan" not in client.get("/stod/?county=12").get_data(as_text=True)
    assert client.get("/stod/?age=nonsense&page=-3&facilitator=x").status_code == 200


def test_buyers_see_only_their_organisations_requests(app, client, auth, people, make_request):
    make_request(title="Göteborgs projekt")
    auth.login("buyer2@example.org")
    page = client.get("/stod/").get_data(as_text=True)
    assert "Göteborgs projekt" not in page and "Inga förfrågningar ännu." in page
    auth.logout()
    auth.login("buyer@example.org")
    assert "Göteborgs projekt" in client.get("/stod/").get_data(as_text=True)


def test_more_than_five_files_are_refused(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(client, files=[(f"del{n}.pdf", PDF) for n in range(6)])
    assert response.status_code == 422 and "Högst 5 filer åt gången." in response.get_data(as_text=True)
    assert _requests(app) == []


def test_adding_an_oversized_document_later_gets_413(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/stod/{request_id}/bilagor",
        data={"csrf_token": token, "attachments": [(io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "stor.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "stor.pdf är större än 10 MB." in response.get_data(as_text=True)
    none_chosen = client.post(f"/stod/{request_id}/bilagor", data={"csrf_token": token})
    assert none_chosen.status_code == 422 and "Välj minst en fil." in none_chosen.get_data(as_text=True)
    assert get_request(app, request_id).attachments == []


def test_a_rolled_back_document_leaves_no_file(app, people, make_request):
    from pathlib import Path

    from blueprints.support.documents import Upload
    from blueprints.support.services import add_attachments

    request_id = make_request()
    with app.test_request_context():
        support_request = db.session.get(SupportRequest, request_id)
        (stored,) = add_attachments(
            request=support_request,
            uploads=[Upload(filename="a.pdf", data=PDF, content_type="application/pdf")],
            user=support_request.requester,
        )
        path = Path(app.config["UPLOAD_DIR"]) / stored.storage_key
        written = path.with_name(f"{stored.storage_key}.part")  # moved into place by the commit only
        assert written.read_bytes() == PDF and not path.exists()
        db.session.rollback()
        assert not written.exists() and not path.exists()


def test_english_speaking_buyers_get_english_mail(app, client, auth, people):
    with app.app_context():
        from blueprints.accounts.models import User

        db.session.get(User, people["buyer"]).language = "en"
        db.session.commit()
    auth.login("buyer@example.org")
    assert _submit(client).status_code == 303
    (email,) = _emails(app, "buyer@example.org")
    assert email.subject.startswith("Support request UM ") and "has been received" in email.subject
    assert "We will answer within 5 working days." in email.body_text


def test_staff_change_the_facilitator_and_close_when_no_session_is_left(
    app, client, auth, people, make_request, make_user, make_session
):
    second = make_user("facilitator2@example.org", ("facilitator",), name="Frida Facilitator")
    request_id = make_request(granted=True)
    booking_id = make_session(request_id, timedelta(days=7))
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    changed = client.post(f"/stod/{request_id}/facilitator", data={"csrf_token": token, "facilitator_id": str(second)})
    assert changed.status_code == 303 and get_request(app, request_id).facilitator_id == second
    assert "Du är facilitator" in _emails(app, "facilitator2@example.org")[-1].subject
    not_a_facilitator = client.post(
        f"/stod/{request_id}/facilitator", data={"csrf_token": token, "facilitator_id": str(people["manager"])}
    )
    assert not_a_facilitator.status_code == 422
    early = client.post(f"/stod/{request_id}/avsluta", data={"csrf_token": token, "summary": "Klart"})
    assert early.status_code == 422 and "Följ upp eller avboka sessionerna" in early.get_data(as_text=True)
    assert get_request(app, request_id).status == "beviljad"  # still open
    # The session lies ahead: it cannot be followed up yet, only cancelled.
    ahead = client.post(f"/stod/sessioner/{booking_id}/uppfoljning", data={"csrf_token": token, "status": "genomford"})
    assert ahead.status_code == 422
    cancelled = client.post(
        f"/stod/sessioner/{booking_id}/avboka", data={"csrf_token": token, "reason": "Ny facilitator"}
    )
    assert cancelled.status_code == 303
    closed = client.post(f"/stod/{request_id}/avsluta", data={"csrf_token": token, "summary": "Kravställningen klar"})
    assert closed.status_code == 303 and get_request(app, request_id).status == "avslutad"
    auth.logout()
    auth.login("buyer@example.org")
    page = client.get(f"/stod/{request_id}").get_data(as_text=True)
    assert "Kravställningen klar" in page and "Avslutad" in page


def test_managers_read_notes_but_do_not_decide(app, client, auth, people, make_request):
    request_id = make_request()
    with app.app_context():
        db.session.add(SupportNote(request_id=request_id, author_id=people["facilitator"], body="Ring kommunen"))
        db.session.commit()
    auth.login("manager@example.org")
    page = client.get(f"/stod/{request_id}").get_data(as_text=True)
    assert "Ring kommunen" in page
    assert "Påbörja bedömning" not in page and "Avslå förfrågan" not in page and "Spara anteckning" not in page


def test_the_grant_page_of_a_decided_request_leads_back_to_it(app, client, auth, people, make_request):
    request_id = make_request(granted=True)
    auth.login("facilitator@example.org")
    response = client.get(f"/stod/{request_id}/bevilja")
    assert response.status_code == 302 and response.headers["Location"] == f"/stod/{request_id}"


def _multipart(token: str, encoded_name: str) -> bytes:
    """A form with the CSRF token and one document whose name is given RFC 2231's way (percent-encoded)."""
    return (
        b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b"--B\r\nContent-Disposition: form-data; name=\"attachments\"; filename*=UTF-8''"
        + encoded_name.encode()
        + b"\r\nContent-Type: application/pdf\r\n\r\n"
        + PDF
        + b"\r\n--B--\r\n"
    )


@pytest.mark.parametrize("sent", ["Rapport%0D%0AX.pdf", "Rapport%00X.pdf", "C%3A%5CMappar%5C%22Rapport%22X.pdf"])
def test_a_document_name_is_cleaned_on_the_way_in_and_downloads(app, client, auth, people, make_request, sent):
    """CR, LF, NUL, quotes and paths in a file name (RFC 2231 lets a client send them) were stored, and the
    document could then never be downloaded (issue 16, point 10)."""
    request_id = make_request()
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/stod/{request_id}/bilagor", data=_multipart(token, sent), content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 303
    (attachment,) = get_request(app, request_id).attachments
    assert attachment.filename == "RapportX.pdf"
    download = client.get(f"/stod/{request_id}/bilagor/{attachment.id}")
    assert download.status_code == 200 and "RapportX.pdf" in download.headers["Content-Disposition"]


def test_clean_filename():
    from blueprints.support.documents import clean_filename

    assert clean_filename("Åtgärdsplan.pdf") == "Åtgärdsplan.pdf"
    assert clean_filename("../../etc/passwd.pdf") == "passwd.pdf" and clean_filename("\r\n") == "dokument"


@pytest.mark.parametrize("title", ["Projekt\r\nBcc: x@example.org", "Projekt\x1b[31m", "Projekt\u2028Bcc"])
def test_a_title_with_line_breaks_or_control_characters_is_refused(app, client, auth, people, title):
    auth.login("buyer@example.org")
    response = _submit(client, title=title)
    assert response.status_code == 422
    assert "Texten får inte innehålla radbrytningar eller andra styrtecken." in response.get_data(as_text=True)
    assert _requests(app) == [] and _emails(app) == []


def test_a_description_keeps_its_line_breaks_but_refuses_other_control_characters(app, client, auth, people):
    auth.login("buyer@example.org")
    refused = _submit(client, description="Rad ett\x07")
    assert refused.status_code == 422 and "Texten innehåller otillåtna styrtecken." in refused.get_data(as_text=True)
    assert _submit(client, description="Rad ett\r\nRad två\tmed tabb").status_code == 303
    assert _requests(app)[0].description == "Rad ett\r\nRad två\tmed tabb"


def test_a_nul_byte_anywhere_is_refused_with_a_message(app, client, auth, people):
    auth.login("buyer@example.org")
    response = _submit(client, place="Stads\x00huset")
    assert response.status_code == 400
    assert "otillåtet tecken (NUL)" in response.get_data(as_text=True)
    assert _requests(app) == []
    searched = client.get("/stod/?q=a\x00b")
    assert searched.status_code == 400 and "otillåtet tecken (NUL)" in searched.get_data(as_text=True)


def test_the_facilitators_start_page_lists_what_waits_for_a_decision_then_their_own_work(
    app,
    client,
    auth,
    people,
    make_request,
    make_challenge,  # noqa: F811 (a fixture)
    make_network,  # noqa: F811 (a fixture)
):
    make_request(title="Väntar ett")
    make_request(title="Väntar två")
    make_request(title="Min pågående", granted=True)
    make_challenge("Skolmat att granska", organisation="other")
    with app.app_context():
        network = db.session.get(Network, make_network())
        network.coordinator_id = people["facilitator"]
        db.session.commit()
    auth.login("facilitator@example.org")
    text = page_text(client.get("/").get_data(as_text=True))
    waiting = text.split("2 förfrågningar väntar på beslut")[1].split("Mina beviljade och pågående förfrågningar")[0]
    assert "Väntar ett" in waiting and "Väntar två" in waiting and "Min pågående" not in waiting
    own = text.split("Mina beviljade och pågående förfrågningar")[1].split("Att följa upp")[0]
    assert "Min pågående" in own and "Väntar ett" not in own
    review = text.split("Utmaningar att granska")[1]
    assert "1 utmaning väntar på granskning" in review and "Skolmat att granska" in review
    assert "Skolskjutsnätverket" in text.split("Nätverk du samordnar")[1]


def test_granting_without_naming_a_facilitator_assigns_nobody(app, client, auth, people, make_request, working_week):
    request_id = make_request()
    auth.login("facilitator@example.org")
    page = client.get(f"/stod/{request_id}/bevilja").get_data(as_text=True)
    assert "Förvald: Fredrik Facilitator, det främsta förslaget." in page
    token = csrf_token(client)
    response = client.post(f"/stod/{request_id}/bevilja", data={"csrf_token": token, "comment": "Välkomna!"})
    assert response.status_code == 422 and "Välj en facilitator." in response.get_data(as_text=True)
    stored = get_request(app, request_id)
    assert stored.status != "beviljad" and stored.facilitator_id is None


def test_the_buyer_sees_what_happens_next_and_may_withdraw_before_a_decision(app, client, auth, people, make_request):
    request_id = make_request()
    auth.login("buyer@example.org")
    page = page_text(client.get(f"/stod/{request_id}").get_data(as_text=True))
    assert "Vad händer nu?" in page and "svarar senast" in page and "(inom fem arbetsdagar)" in page
    token = csrf_token(client)
    response = client.post(f"/stod/{request_id}/dra-tillbaka", data={"csrf_token": token})
    assert response.status_code == 303
    stored = get_request(app, request_id)
    assert stored.status == "avslutad" and stored.closing_summary == "Återkallad av beställaren."
    page = page_text(client.get(f"/stod/{request_id}").get_data(as_text=True))
    assert "Förfrågan är tillbakadragen." in page and "Dra tillbaka förfrågan" not in page
    # Once decided (or withdrawn), it can no longer be taken back.
    again = client.post(f"/stod/{request_id}/dra-tillbaka", data={"csrf_token": token})
    assert again.status_code == 403


def test_the_queue_finds_words_inside_words_by_the_trigram_index_and_after_an_edit(
    app, client, auth, people, make_request
):
    cleaning = make_request(title="Kontorsstädning i skolor")
    make_request(title="Upphandling av skolskjuts")
    food = make_request(title="Livsmedel, 100% ekologiskt")
    auth.login("facilitator@example.org")

    def found(words: str) -> list[str]:
        html = client.get("/stod/", query_string={"q": words}).get_data(as_text=True)
        return sorted(r.title for r in _requests(app) if f">{r.title}<" in html)

    assert found("STÄD") == ["Kontorsstädning i skolor"]  # inside a word, any case
    assert found("skol") == ["Kontorsstädning i skolor", "Upphandling av skolskjuts"]
    assert found("skol skjuts") == ["Upphandling av skolskjuts"]  # every word
    assert found("100%") == ["Livsmedel, 100% ekologiskt"]  # the % is not a wildcard
    diary = get_request(app, food).diary_number
    assert found(diary) == ["Livsmedel, 100% ekologiskt"]
    with app.app_context():
        db.session.get(SupportRequest, cleaning).title = "Fönsterputs i skolor"
        db.session.commit()
    assert found("städ") == []
    assert found("fönsterputs") == ["Fönsterputs i skolor"]
