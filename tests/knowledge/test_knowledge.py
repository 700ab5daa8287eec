"""The knowledge hub end to end: writing, review by a second person, versions and their differences, edit
conflicts, consent, public reading with search, filters, cache headers and the Atom feed, knowledge flowing in
from closed requests and networks and out to related cases, a network's own knowledge page."""

import functools
import re
from datetime import UTC, datetime
from pathlib import Path

import rnc2rng
import sqlalchemy as sa
from lxml import etree

from blueprints.core.db import db
from blueprints.core.models import AuditEvent
from blueprints.knowledge.models import Article, ArticleVersion
from tests.conftest import csrf_token, page_text

ATOM = "{http://www.w3.org/2005/Atom}"


@functools.cache
def _atom_schema() -> etree.RelaxNG:
    """RFC 4287's RELAX NG grammar (``atom.rnc``), converted from the compact syntax. Its ``local`` prefix names
    the empty namespace, which the converter declares as ``xmlns:local=""``: XML allows no such declaration,
    and the grammar's ``nsName ns=""`` needs none."""
    grammar = rnc2rng.dumps(rnc2rng.load(str(Path(__file__).with_name("atom.rnc"))))
    return etree.RelaxNG(etree.fromstring(grammar.replace('xmlns:local=""', "").encode()))


def _form(title="Ny vägledning", body="# Rubrik\n\nText om dialog.", **extra):
    return {
        "kind": "stodmaterial",
        "title": title,
        "summary": "Kort ingress.",
        "body": body,
        "visibility": "alla",
        **extra,
    }


def test_an_article_is_written_reviewed_by_a_second_person_and_then_public(app, client, auth, people, reviewer):
    auth.login("facilitator@example.org")
    response = client.post("/kunskap/ny", data={**_form(), "csrf_token": csrf_token(client)})
    assert response.status_code == 303
    article_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/kunskap/{article_id}").status_code == 200
    token = csrf_token(client)
    client.post(f"/kunskap/{article_id}/status", data={"action": "submit", "csrf_token": token})
    refused = client.post(
        f"/kunskap/{article_id}/status", data={"action": "publish", "csrf_token": token}, follow_redirects=True
    )
    assert "En annan medarbetare än den som skrev versionen" in page_text(refused.text)
    auth.logout()
    assert app.test_client().get(f"/kunskap/{article_id}").status_code == 404  # not yet public
    auth.login("reviewer@example.org")
    token = csrf_token(client)
    assert (
        client.post(f"/kunskap/{article_id}/status", data={"action": "publish", "csrf_token": token}).status_code == 303
    )
    anonymous = app.test_client().get(f"/kunskap/{article_id}")
    assert anonymous.status_code == 200 and "<h2>Rubrik</h2>" in anonymous.text
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert article.is_published and article.reviewer_id == reviewer
        actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == str(article_id))))
        assert {"knowledge.submit", "knowledge.publish", "create"} <= actions


def test_an_edit_of_a_published_article_waits_for_review_and_every_version_is_kept(app, client, auth, make_article):
    article_id = make_article(body="Första texten om marknadsdialog.")
    auth.login("facilitator@example.org")
    page = client.get(f"/kunskap/{article_id}/redigera")
    data = {
        **_form(title="Så startar ni ett nätverk", body="Andra texten om marknadsdialog."),
        "based_on": "1",
        "phases": ["driva"],
        "note": "Ny text",
        "csrf_token": csrf_token(client),
    }
    assert page.status_code == 200
    assert client.post(f"/kunskap/{article_id}/redigera", data=data).status_code == 303
    public = app.test_client().get(f"/kunskap/{article_id}")
    assert "Första texten" in public.text and "Andra texten" not in public.text  # the published version stays
    diff = client.get(f"/kunskap/{article_id}/versioner/2")
    assert "<del>" in diff.text and "Första" in diff.text and "<ins>" in diff.text and "Andra" in diff.text
    tags = page_text(client.get(f"/kunskap/{article_id}/versioner/2?mot=1").text)
    assert "Nätverkets faser: Driva" in tags and "phases" not in tags  # tags in words, not codes
    auth.logout()
    auth.login("reviewer@example.org")
    token = csrf_token(client)
    client.post(f"/kunskap/{article_id}/status", data={"action": "publish", "csrf_token": token})
    assert "Andra texten" in app.test_client().get(f"/kunskap/{article_id}").text
    with app.app_context():
        assert db.session.scalars(
            sa.select(ArticleVersion.number).where(ArticleVersion.article_id == article_id)
        ).all() == [1, 2]


def test_an_edit_that_lost_a_race_gets_409_with_both_versions_and_nothing_is_overwritten(
    app, client, auth, make_article
):
    article_id = make_article(publish=False, body="Grundtext.")
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    first = client.post(
        f"/kunskap/{article_id}/redigera", data={**_form(body="Kollegans text."), "based_on": "1", "csrf_token": token}
    )
    assert first.status_code == 303
    late = client.post(
        f"/kunskap/{article_id}/redigera", data={**_form(body="Min text."), "based_on": "1", "csrf_token": token}
    )
    assert late.status_code == 409
    text = page_text(late.text)
    assert "Någon annan har sparat en nyare version" in text and "Kollegans" in text and "Min text." in late.text
    assert 'name="based_on" type="hidden" value="2"' in late.text or 'value="2"' in late.text
    with app.app_context():
        assert db.session.get(Article, article_id).body == "Kollegans text."


def test_readers_without_an_account_get_cacheable_pages_without_tokens_or_cookies(app, client, make_article):
    article_id = make_article()
    page = client.get(f"/kunskap/{article_id}")
    assert page.headers["Cache-Control"] == "public, max-age=300" and "Set-Cookie" not in page.headers
    assert "csrf" not in page.text.lower() and "Cookie" in page.headers["Vary"]
    again = client.get(f"/kunskap/{article_id}", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    listed = client.get("/kunskap/")
    assert listed.headers["Cache-Control"].startswith("public") and "Så startar ni ett nätverk" in listed.text
    assert client.get("/kunskap/", headers={"If-None-Match": listed.headers["ETag"]}).status_code == 304


def test_a_new_article_changes_the_lists_etag(app, client, make_article):
    make_article()
    before = client.get("/kunskap/").headers["ETag"]
    make_article(title="Erfarenheter av dialogmöten", kind="erfarenhet")
    after = client.get("/kunskap/", headers={"If-None-Match": before})
    assert after.status_code == 200 and "Erfarenheter av dialogmöten" in after.text


def test_visibility_decides_who_reads(app, client, auth, make_article):
    signed_in = make_article(title="För inloggade", visibility="inloggade")
    staff = make_article(title="Internt", visibility="personal")
    assert client.get(f"/kunskap/{signed_in}").status_code == 302  # to the login page
    assert client.get(f"/kunskap/{staff}").status_code == 404
    assert "För inloggade" not in client.get("/kunskap/").text
    auth.login("buyer@example.org")
    assert client.get(f"/kunskap/{signed_in}").status_code == 200
    assert client.get(f"/kunskap/{staff}").status_code == 404
    listed = client.get("/kunskap/")
    assert "För inloggade" in listed.text and "Internt" not in listed.text
    assert listed.headers["Cache-Control"] == "no-store"  # a signed-in reader's page is personal


def test_search_finds_words_inside_words_and_filters_narrow(app, client, make_article, areas):
    make_article(
        title="Tidig marknadsdialog",
        body="Likabehandling av leverantörer.",
        phases=["driva"],
        need_area_ids=[areas["Fossilfria transporter"]],
        cpv_codes=["60130000"],
    )
    make_article(title="Måltider i skolan", kind="gott_exempel", body="Växtbaserat.", phases=["starta"])
    assert "Tidig marknadsdialog" in client.get("/kunskap/?q=behandling").text  # inside "Likabehandling"
    assert "Måltider" not in client.get("/kunskap/?q=behandling").text
    assert "Måltider i skolan" in client.get("/kunskap/?kind=gott_exempel").text
    assert "Tidig" not in client.get("/kunskap/?kind=gott_exempel").text
    assert (
        "Tidig" in client.get("/kunskap/?phase=driva").text
        and "Måltider" not in client.get("/kunskap/?phase=driva").text
    )
    assert "Tidig" in client.get("/kunskap/?cpv=60").text and "Måltider" not in client.get("/kunskap/?cpv=60").text
    area = areas["Fossilfria transporter"]
    assert "Måltider" not in client.get(f"/kunskap/?need_area={area}").text
    partial = client.get("/kunskap/?q=dialog", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    assert "<html" not in partial.text and "Tidig marknadsdialog" in partial.text
    assert client.get("/kunskap/?sort=x&kind=y&cpv=abc&page=-3").status_code == 200  # a bad link never fails


def test_the_atom_feed_follows_rfc_4287_and_holds_only_public_articles(app, client, make_article):
    make_article(title="Publik <nyhet>", kind="nyhet", body="**fet** och <script>alert(1)</script>")
    make_article(title="Intern", visibility="personal")
    make_article(title="Utkast", publish=False)
    response = client.get("/kunskap/flode.atom")
    assert response.mimetype == "application/atom+xml" and response.headers["Cache-Control"].startswith("public")
    feed = etree.fromstring(response.data)
    schema = _atom_schema()
    assert schema.validate(feed), schema.error_log
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{required}")) == 1, required
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Publik <nyhet>"]
    entry = entries[0]
    for required in ("id", "title", "updated", "summary", "content"):
        assert len(entry.findall(f"{ATOM}{required}")) == 1, required
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)", entry.findtext(f"{ATOM}updated"))
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html" and "<script" not in content.text and "<strong>fet</strong>" in content.text
    assert entry.findtext(f"{ATOM}id").startswith("http")


def test_a_closed_request_becomes_a_lesson_draft_published_only_with_consent(app, client, auth, people, reviewer):
    from blueprints.support.models import Booking, SupportRequest

    with app.app_context():
        request = SupportRequest(
            diary_number="UM 2026/0007",
            diary_year=2026,
            diary_serial=7,
            title="Återbruk",
            description="Möbler som återbrukas.",
            phase="avtal",
            format="digitalt",
            status="avslutad",
            organisation_id=people["home"].id,
            closing_summary="Kravspecifikation klar.",
        )
        start = datetime(2026, 10, 5, 8, tzinfo=UTC)
        request.bookings.append(
            Booking(
                facilitator_id=people["facilitator"],
                kind="workshop",
                starts_at=start,
                ends_at=start.replace(hour=10),
                blocked_until=start.replace(hour=10),
                status="genomford",
                outcome="Krav skrivna.",
                lessons="Beskriv funktion.",
            )
        )
        db.session.add(request)
        db.session.commit()
        request_id = request.id
    auth.login("facilitator@example.org")
    assert "Skriv en erfarenhet av ärendet" in client.get(f"/stod/{request_id}").text
    made = client.post(f"/kunskap/ny/fran-stod/{request_id}", data={"csrf_token": csrf_token(client)})
    assert made.status_code == 303
    with app.app_context():
        article = db.session.scalar(sa.select(Article).where(Article.kind == "erfarenhet"))
        assert "Beskriv funktion." in article.body and "Krav skrivna." in article.body
        assert article.needs_consent and [r.id for r in article.requests] == [request_id]
        article_id = article.id
    token = csrf_token(client)
    client.post(f"/kunskap/{article_id}/status", data={"action": "submit", "csrf_token": token})
    auth.logout()
    auth.login("reviewer@example.org")
    token = csrf_token(client)
    refused = client.post(
        f"/kunskap/{article_id}/status", data={"action": "publish", "csrf_token": token}, follow_redirects=True
    )
    assert "samtycke till publicering är inte registrerat" in page_text(refused.text)
    client.post(f"/kunskap/{article_id}/samtycke", data={"given_by": "Anna Berg, inköpschef", "csrf_token": token})
    client.post(f"/kunskap/{article_id}/status", data={"action": "publish", "csrf_token": token})
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert article.is_published and article.consent_given_by == "Anna Berg, inköpschef"


def test_a_closed_network_becomes_a_good_example_draft(app, client, auth, make_network):
    network_id = make_network(name="Laddnätverket", phase="avslutad", members=[("home", "aktiv")])
    auth.login("facilitator@example.org")
    page = client.get(f"/natverk/{network_id}")
    assert "Skriv ett gott exempel om nätverket" in page.text
    made = client.post(f"/kunskap/ny/fran-natverk/{network_id}", data={"csrf_token": csrf_token(client)})
    assert made.status_code == 303
    with app.app_context():
        article = db.session.scalar(sa.select(Article).where(Article.kind == "gott_exempel"))
        assert article.title == "Gott exempel: Laddnätverket" and "Göteborgs kommun" in article.body
        assert "Fossilfri skolskjuts" in article.body and [n.id for n in article.networks] == [network_id]


def test_each_phase_of_the_checklist_links_to_the_guidance_tagged_with_it(
    app, client, auth, make_network, make_article
):
    make_article(title="Så formulerar ni utmaningen", phases=["initiera"])
    make_article(title="Så driver ni nätverket", phases=["driva", "avslutad"])
    make_article(title="Ett gott exempel", kind="gott_exempel", phases=["initiera"])  # no guidance
    make_article(title="Internt stöd", phases=["initiera"], visibility="personal")
    make_article(title="Opublicerat stöd", phases=["initiera"], publish=False)
    network_id = make_network(name="Laddnätverket", members=[("home", "aktiv")])
    auth.login("buyer@example.org")
    page = client.get(f"/natverk/{network_id}")
    section = page.text.split('class="phase-guidance"', 1)[1].split("</div>", 1)[0]
    rows = {re.sub(r"\s+", " ", page_text(row)).strip() for row in section.split("<li>")[1:]}
    assert rows == {
        "Initiera: Så formulerar ni utmaningen",
        "Driva: Så driver ni nätverket",
        "Avslutad: Så driver ni nätverket",
    }
    with app.app_context():
        guide = db.session.scalar(sa.select(Article.id).where(Article.title == "Så formulerar ni utmaningen"))
    assert f'href="/kunskap/{guide}"' in section


def test_related_articles_are_ranked_by_the_matching_engine_with_reasons(
    app, client, auth, make_article, make_challenge
):
    make_article(title="Fossilfri skolskjuts i upphandlingen", body="Skolskjuts med el.", cpv_codes=["60130000"])
    make_article(title="Måltider", body="Växtbaserade måltider.", cpv_codes=["15000000"])
    challenge_id = make_challenge(title="Skolskjuts utan fossila bränslen", organisation="other")
    auth.login("buyer@example.org")
    page = client.get(f"/utmaningar/{challenge_id}")
    assert f"/kunskap/relaterade/utmaning/{challenge_id}" in page.text
    related = client.get(f"/kunskap/relaterade/utmaning/{challenge_id}")
    text = page_text(related.text)
    assert "Fossilfri skolskjuts i upphandlingen" in text and "Måltider" not in text
    assert "Samma CPV-kod" in text or "Gemensamma ord" in text


def test_a_network_keeps_its_own_knowledge_and_proposes_a_note(app, client, auth, make_network):
    network_id = make_network(members=[("home", "aktiv")], is_open=False)
    auth.login("buyer@example.org")
    token = csrf_token(client)
    saved = client.post(
        f"/natverk/{network_id}/kunskap",
        data={
            "topic": "priser",
            "title": "Prisnivåer",
            "body": "Elbussar kostar **mer** i inköp.",
            "csrf_token": token,
        },
    )
    assert saved.status_code == 303
    page = client.get(f"/natverk/{network_id}/kunskap")
    assert "<strong>mer</strong>" in page.text
    bad = client.post(
        f"/natverk/{network_id}/kunskap", data={"topic": "", "title": "", "body": "", "csrf_token": token}
    )
    assert bad.status_code == 422 and "Fyll i fältet." in page_text(bad.text)
    with app.app_context():
        from blueprints.knowledge.models import NetworkNote

        note_id = db.session.scalar(sa.select(NetworkNote.id))
    assert (
        client.post(f"/natverk/{network_id}/kunskap/{note_id}/foresla", data={"csrf_token": token}).status_code == 303
    )
    with app.app_context():
        proposal = db.session.scalar(sa.select(Article))
        assert proposal.title == "Prisnivåer" and proposal.proposed_by_id is not None and proposal.is_draft
    auth.logout()
    auth.login("buyer2@example.org")  # the host's buyer sees it, another organisation's would not
    assert client.get(f"/natverk/{network_id}/kunskap").status_code == 200


def test_the_buyers_start_page_shows_new_articles_in_their_need_areas(
    app, client, auth, make_article, make_challenge, areas
):
    area = areas["Fossilfria transporter"]
    make_challenge(title="Elbussar", need_area_id=area)
    make_article(title="Nytt om elbussar", need_area_ids=[area])
    make_article(title="Om måltider", need_area_ids=[areas["Livsmedel och måltider"]])
    auth.login("buyer@example.org")
    start = page_text(client.get("/").text)
    assert "Nytt om elbussar" in start and "Om måltider" not in start


def test_the_editor_shows_a_preview_with_and_without_javascript(app, client, auth, people):
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    partial = client.post(
        "/kunskap/forhandsvisning", data={"body": "## Hej\n\n<script>x</script>", "csrf_token": token}
    )
    assert "<h2>Hej</h2>" in partial.text and "<script>x" not in partial.text
    full = client.post("/kunskap/ny", data={**_form(body="# Förhandsvisad"), "action": "preview", "csrf_token": token})
    assert full.status_code == 200 and "<h2>Förhandsvisad</h2>" in full.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    bad = client.post("/kunskap/ny", data={"kind": "x", "title": "", "body": "", "csrf_token": token})
    assert bad.status_code == 422 and "Fyll i fältet." in page_text(bad.text)


def test_the_writer_is_told_by_e_mail_and_what_they_typed_stays_inert(app, client, auth, people, reviewer):
    from blueprints.core.models import OutboxEmail

    title = 'Dialog <script>alert(1)</script> & "citat"'
    auth.login("facilitator@example.org")
    created = client.post("/kunskap/ny", data={**_form(title=title), "csrf_token": csrf_token(client)})
    article_id = int(created.headers["Location"].rsplit("/", 1)[1])
    token = csrf_token(client)
    client.post(f"/kunskap/{article_id}/status", data={"action": "submit", "csrf_token": token})
    auth.logout()
    auth.login("reviewer@example.org")
    token = csrf_token(client)
    returned = client.post(
        f"/kunskap/{article_id}/status",
        data={"action": "return", "comment": "Lägg till en <b>källa</b>", "csrf_token": token},
    )
    assert returned.status_code == 303
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.recipient == "facilitator@example.org"))
        assert "återlämnats" in mail.body_text and "Lägg till en <b>källa</b>" in mail.body_text
        assert "<script>" not in mail.body_html and "<b>källa" not in mail.body_html
        assert "&lt;script&gt;" in mail.body_html
        assert db.session.get(Article, article_id).is_draft


def test_a_kept_page_is_sent_again_until_the_article_changes_and_never_holds_a_readers_message(
    app, client, auth, make_article, page_cache
):
    article_id = make_article(body="Första texten.")
    assert "Första texten." in client.get(f"/kunskap/{article_id}").text
    with app.app_context():
        statement = sa.text("UPDATE knowledge_article SET body_html = '<p>Ändrad utan modellen.</p>' WHERE id = :id")
        db.session.execute(statement, {"id": article_id})  # the write count stays: the ETag is the same
        db.session.commit()
    kept = client.get(f"/kunskap/{article_id}")
    assert "Första texten." in kept.text  # the same ETag: sent from memory
    with app.app_context():
        article = db.session.get(Article, article_id)
        article.title = "Ny rubrik"  # a write through the model: a new ETag
        db.session.commit()
    assert "Ny rubrik" in client.get(f"/kunskap/{article_id}").text
    auth.login("buyer@example.org")
    auth.logout()  # "Du är utloggad" waits for this reader
    page = client.get(f"/kunskap/{article_id}")
    assert page.headers["Cache-Control"] == "no-store"
    assert "public" in app.test_client().get(f"/kunskap/{article_id}").headers["Cache-Control"]


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fe"
    "a7d6a4bd0000000049454e44ae426082"
)


def test_pictures_are_attached_and_shown_in_the_text_and_other_files_refused(app, client, auth, make_article):
    from io import BytesIO

    article_id = make_article(publish=False, body="Text.")
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    svg = client.post(
        f"/kunskap/{article_id}/bilagor",
        data={"attachments": (BytesIO(b"<svg onload='alert(1)'/>"), "bild.svg"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert svg.status_code == 422 and "är inte en PDF-, Word-, Excel-, OpenDocument- eller bildfil" in svg.text
    added = client.post(
        f"/kunskap/{article_id}/bilagor",
        data={"attachments": (BytesIO(PNG), "karta.png"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert added.status_code == 303
    with app.app_context():
        attachment = db.session.get(Article, article_id).attachments[0]
        path = f"/kunskap/{article_id}/bilagor/{attachment.id}"
    body = f"![Karta över länet]({path}) ![Spårpixel](https://evil.example/p.png)"
    saved = client.post(
        f"/kunskap/{article_id}/redigera", data={**_form(body=body), "based_on": "1", "csrf_token": token}
    )
    assert saved.status_code == 303
    page = client.get(f"/kunskap/{article_id}")
    assert f'<img src="{path}" alt="Karta över länet">' in page.text and "evil.example" not in page.text
    picture = client.get(path)
    assert picture.status_code == 200 and picture.mimetype == "image/png" and picture.data == PNG
    assert picture.headers["Content-Disposition"] == 'inline; filename="karta.png"'
    auth.logout()
    assert client.get(path).status_code == 404  # a draft's pictures are not public


def test_the_editor_refuses_unknown_organisations_and_cases_with_a_swedish_message(app, client, auth, people):
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    bad = client.post(
        "/kunskap/ny",
        data={
            **_form(),
            "organisations": "212000-1355\n123456-7890\n556677-8899",
            "requests": "UM 2026/9999, skräp",
            "csrf_token": token,
        },
    )
    text = page_text(bad.text)
    assert bad.status_code == 422 and "Ogiltigt organisationsnummer: 123456-7890" in text
    assert "Skriv diarienummer som UM 2026/0042" in text
    unknown = client.post(
        "/kunskap/ny", data={**_form(), "organisations": "202100-5489", "requests": "UM 2026/9999", "csrf_token": token}
    )
    assert "Okänd organisation: 2021005489" in page_text(unknown.text)
    assert "Okänt diarienummer: UM 2026/9999" in page_text(unknown.text)
    good = client.post("/kunskap/ny", data={**_form(), "organisations": "212000-1355", "csrf_token": token})
    assert good.status_code == 303
    with app.app_context():
        article = db.session.scalar(sa.select(Article))
        assert [o.name for o in article.organisations] == ["Göteborgs kommun"]
    edit_page = client.get(f"{good.headers['Location']}/redigera")
    assert "212000-1355" in edit_page.text  # written back as people write it


def test_members_keep_their_own_notes_and_documents(app, client, auth, make_network):
    from io import BytesIO

    network_id = make_network(members=[("home", "aktiv")], is_open=False)
    auth.login("buyer2@example.org")  # the host organisation's buyer writes a note
    token = csrf_token(client)
    client.post(
        f"/natverk/{network_id}/kunskap", data={"topic": "trender", "title": "Vätgas", "body": "x", "csrf_token": token}
    )
    document = client.post(
        f"/natverk/{network_id}/kunskap/dokument",
        data={"documents": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "protokoll.pdf"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert document.status_code == 303
    picture = client.post(
        f"/natverk/{network_id}/kunskap/dokument",
        data={"documents": (BytesIO(PNG), "bild.png"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert picture.status_code == 422 and "är inte en PDF-, Word-, Excel- eller OpenDocument-fil" in picture.text
    with app.app_context():
        from blueprints.knowledge.models import NetworkDocument, NetworkNote

        note_id = db.session.scalar(sa.select(NetworkNote.id))
        document_id = db.session.scalar(sa.select(NetworkDocument.id))
    auth.logout()
    auth.login("buyer@example.org")  # another member: reads both, may not remove the other's note
    token = csrf_token(client)
    downloaded = client.get(f"/natverk/{network_id}/kunskap/dokument/{document_id}")
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="protokoll.pdf"'
    refused = client.post(
        f"/natverk/{network_id}/kunskap/{note_id}/ta-bort", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Bara den som skrev anteckningen kan ta bort den." in page_text(refused.text)
    client.post(f"/natverk/{network_id}/kunskap/{note_id}/foresla", data={"csrf_token": token})
    again = client.post(
        f"/natverk/{network_id}/kunskap/{note_id}/foresla", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Anteckningen är redan föreslagen för publicering." in page_text(again.text)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 1
        assert db.session.get(NetworkNote, note_id) is not None


def test_a_restored_article_goes_on_from_its_newest_version(app, client, auth, make_article, reviewer):
    article_id = make_article(body="Publicerad text.")
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    client.post(
        f"/kunskap/{article_id}/redigera",
        data={**_form(body="Nyare text som väntar."), "based_on": "1", "csrf_token": token},
    )
    client.post(f"/kunskap/{article_id}/status", data={"action": "archive", "csrf_token": token})
    assert client.get(f"/kunskap/{article_id}").status_code == 200  # staff still see it
    assert app.test_client().get(f"/kunskap/{article_id}").status_code == 404  # archived: gone for the public
    client.post(f"/kunskap/{article_id}/status", data={"action": "restore", "csrf_token": token})
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert article.is_draft and article.body == "Nyare text som väntar." and article.waiting_version is None
