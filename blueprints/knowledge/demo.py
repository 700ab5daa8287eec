"""Demo articles: a dozen, of every kind, written for Köpkraft's demo (fictional, not the agency's texts),
linked to the demo networks and support requests, published through the workflow (written by one facilitator,
reviewed by the other)."""

from typing import NamedTuple

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.core.db import db
from blueprints.knowledge.constants import GOOD_EXAMPLE, GUIDANCE, LESSON, NEWS, PUBLIC, SIGNED_IN
from blueprints.knowledge.models import Article
from blueprints.knowledge.services import ArticleData, change_status, create_article, record_consent
from blueprints.networks.models import Network
from blueprints.support.models import SupportRequest
from blueprints.vocabulary.models import NeedArea


class DemoArticle(NamedTuple):
    kind: str
    title: str
    summary: str
    body: str
    area: str
    codes: list[str]
    phases: list[str]
    network: str = ""
    request: str = ""
    visibility: str = PUBLIC


ARTICLES = [
    DemoArticle(
        GUIDANCE,
        "Så initierar ni ett beställarnätverk",
        "Från ett gemensamt behov till en värd som tar ansvar: fyra steg för de första månaderna.",
        "# Innan ni börjar\n\nEtt nätverk bär när flera organisationer har **samma behov** och vill påverka "
        "marknaden tillsammans. Börja med att formulera utmaningen i en mening.\n\n# Fyra steg\n\n"
        "1. Formulera den gemensamma utmaningen.\n2. Hitta en värdorganisation som kan leda arbetet.\n"
        "3. Sök upp organisationer med samma behov – upphandlingsstatistiken visar vilka som köpt samma sak.\n"
        "4. Förankra hos ledningen innan första mötet.\n\n## Tid att räkna med\n\n| Steg | Veckor |\n|---|---|\n"
        "| Utmaning | 2 |\n| Värd | 4 |\n| Kandidater | 6 |\n",
        "Fossilfria transporter",
        ["60100000"],
        ["initiera"],
    ),
    DemoArticle(
        GUIDANCE,
        "Mötesplan och arbetsform för ett nytt nätverk",
        "Ett nätverk som startar behöver mål, en mötesrytm och en tydlig roll för varje medlem.",
        "## Mål\n\nSkriv två till tre mål som går att följa upp efter ett år.\n\n## Arbetsform\n\n"
        "- Fyra nätverksmöten per år, varav ett fysiskt.\n- En kontaktperson per medlem.\n"
        "- Protokoll delas inom en vecka.\n\n## Marknadskunskap\n\nSammanställ vad medlemmarna redan vet om "
        "leverantörer, priser och standarder på nätverkets kunskapssida.",
        "Livsmedel och måltider",
        ["15000000"],
        ["starta"],
    ),
    DemoArticle(
        GUIDANCE,
        "Tidig marknadsdialog i nätverk – likabehandling i praktiken",
        "Hur ni för en gemensam dialog med leverantörer utan att någon får ett försprång.",
        "## Grundregler\n\nAll information som ges till en leverantör ska ges till alla. Publicera frågor och "
        "svar samlat.\n\n## Upplägg\n\n1. Annonsera dialogen brett.\n2. Håll samma agenda för alla möten.\n"
        "3. Dokumentera vad som sades och dela det.\n\nLäs mer i [Konkurrensverkets vägledning]"
        "(https://www.konkurrensverket.se/).",
        "Bygg och fastighet",
        ["45000000"],
        ["driva"],
    ),
    DemoArticle(
        GUIDANCE,
        "Avsluta ett nätverk med en slutrapport som andra kan använda",
        "Ett nätverk som avslutas lämnar lärdomar: så skriver ni en slutrapport och ett gott exempel.",
        "## Slutrapporten\n\n- Vad var utmaningen?\n- Vad gjorde ni, och med vilka?\n- Vilken köpkraft samlades?\n"
        "- Vad skulle ni göra annorlunda?\n\n## Dela vidare\n\nBe myndigheten publicera ett gott exempel i "
        "kunskapsbanken.",
        "Cirkulära produkter",
        ["39100000"],
        ["avslutad"],
    ),
    DemoArticle(
        GOOD_EXAMPLE,
        "Laddinfrastruktur: fem organisationer, en kravbild",
        "Nätverket för laddinfrastruktur tog fram gemensamma krav på effektstyrning som leverantörerna nu "
        "bygger efter.",
        "## Utmaningen\n\nFordonsflottorna ställs om till el, men laddning vid depåer saknades.\n\n## Det här "
        "gjorde nätverket\n\n- Gemensam marknadsdialog med tolv leverantörer.\n- En kravbilaga för "
        "effektstyrning som alla medlemmar använder.\n\n## Resultat\n\nTre medlemmar har upphandlat med "
        "kravbilagan; priserna låg i nivå med marknaden.",
        "Fossilfria transporter",
        ["31158100", "34144900"],
        ["driva"],
        network="Laddinfrastruktur för offentliga fordonsflottor",
    ),
    DemoArticle(
        GOOD_EXAMPLE,
        "Måltider i Skåne: mer växtbaserat utan högre kostnad",
        "Kommuner och region i Skåne samordnade krav på växtbaserade måltider och minskat svinn.",
        "## Vad som gjordes\n\nNätverket jämförde recept, svinnmätningar och leverantörernas sortiment.\n\n"
        "## Lärdom\n\nGemensamma krav gav leverantörerna skäl att utveckla nya produkter.",
        "Livsmedel och måltider",
        ["15000000", "55520000"],
        ["starta", "driva"],
        network="Hållbara offentliga måltider i Skåne",
        visibility=SIGNED_IN,
    ),
    DemoArticle(
        LESSON,
        "Erfarenhet: återbrukade kontorsmöbler",
        "En workshop med facilitator gav en kravspecifikation för återbruk som håller i upphandlingen.",
        "## Bakgrund\n\nKommunen ville möblera om kontor med återbrukade möbler.\n\n## Stödet\n\n"
        "En workshop med verksamhet, inköp och två leverantörer.\n\n## Lärdomar\n\n- Beskriv funktion, inte "
        "ålder.\n- Låt leverantörerna visa sitt lager innan kraven skrivs.",
        "Cirkulära produkter",
        ["39100000"],
        [],
        request="Återbrukade kontorsmöbler",
    ),
    DemoArticle(
        LESSON,
        "Erfarenhet: dialogmöte om laddlösningar",
        "Tre leverantörer presenterade laddlösningar; kravbilden blev tydligare.",
        "## Lärdomar\n\n- Skicka frågorna till leverantörerna i förväg.\n- Bjud in driftpersonal, inte bara inköpare.",
        "Fossilfria transporter",
        ["34144900"],
        [],
    ),
    DemoArticle(
        LESSON,
        "Processgranskning före annonsering sparar tid",
        "En granskning av upphandlingsdokumenten tre veckor före annonsering hittade otydliga utvärderingskriterier.",
        "## Vad vi såg\n\nUtvärderingsmodellen gav poäng för sådant som inte gick att kontrollera.\n\n"
        "## Råd\n\nBoka processgranskning i god tid.",
        "Digitalisering",
        ["72000000"],
        [],
    ),
    DemoArticle(
        NEWS,
        "Kunskapsbanken öppnar för alla",
        "Nu kan alla läsa goda exempel, stödmaterial och erfarenheter – utan inloggning.",
        "Kunskapsbanken samlar det som beställarnätverk och facilitatorstöd lär sig. Prenumerera på "
        "flödet för att få nya artiklar.",
        "Digitalisering",
        [],
        [],
    ),
    DemoArticle(
        NEWS,
        "Ny statistik över offentliga upphandlingar",
        "Årets upphandlingsstatistik är inläst: se vilka organisationer som köper samma sak som ni.",
        "Statistiken visar antal upphandlingar, kontrakterat värde och anbud per upphandling. Den används "
        "när nätverk hittar nya medlemmar.",
        "Energi",
        [],
        [],
    ),
    DemoArticle(
        GOOD_EXAMPLE,
        "Energieffektiva skolor genom gemensam innovationsupphandling",
        "En beställargrupp förberedde en innovationsupphandling av styrsystem för skolors ventilation.",
        "## Beställargruppen\n\nFyra kommuner delade på förstudien.\n\n## Resultat\n\n"
        "Energianvändningen i pilotskolorna minskade med en femtedel.",
        "Energi",
        ["09300000"],
        ["driva", "avslutad"],
    ),
]


def seed_demo_articles() -> int:
    """Add the demo articles that are missing (matched by title), each published; return how many were added."""
    writer = db.session.scalar(sa.select(User).where(User.email == "facilitator@example.org"))
    reviewer = db.session.scalar(sa.select(User).where(User.email == "facilitator2@example.org"))
    if writer is None or reviewer is None:
        return 0
    existing = set(db.session.scalars(sa.select(Article.title)))
    areas = {a.name: a.id for a in db.session.scalars(sa.select(NeedArea))}
    networks = {n.name: n.id for n in db.session.scalars(sa.select(Network))}
    requests = {r.title: r for r in db.session.scalars(sa.select(SupportRequest))}
    created = 0
    for demo in ARTICLES:
        if demo.title in existing:
            continue
        request = requests.get(demo.request)
        data = ArticleData(
            kind=demo.kind,
            title=demo.title,
            summary=demo.summary,
            body=demo.body,
            visibility=demo.visibility,
            need_area_ids=[areas[demo.area]] if demo.area in areas else [],
            cpv_codes=demo.codes,
            phases=demo.phases,
            network_ids=[networks[demo.network]] if demo.network in networks else [],
            request_ids=[request.id] if request else [],
            organisation_ids=[request.organisation_id] if request else [],
        )
        article = create_article(
            data=data, actor=writer, consent_organisation=request.organisation if request else None
        )
        if request is not None:
            record_consent(article=article, given_by="Kontaktperson på organisationen", actor=writer)
        change_status(article=article, action="submit", actor=writer)
        change_status(article=article, action="publish", actor=reviewer)
        created += 1
    db.session.commit()
    return created
