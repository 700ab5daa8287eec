"""Names from the registers made readable, and what a name tells of a kommun's code and an organisation's län
(pure functions: no app, no database)."""

import pytest

from blueprints.organisations.municipalities import MUNICIPALITIES, REGIONS, municipality_code, region_code
from blueprints.organisations.names import county_of, kind_of, readable_name


@pytest.mark.parametrize(
    ("register", "readable"),
    [
        ("LUNDS KOMMUN", "Lunds kommun"),
        ("GÖTEBORGS STAD", "Göteborgs kommun"),
        ("FALU KOMMUN", "Falu kommun"),
        ("UPPLANDS VÄSBY KOMMUN", "Upplands Väsby kommun"),
        ("MALMÖ STAD", "Malmö kommun"),
        ("REGION SKÅNE", "Region Skåne"),
        ("VÄSTRA GÖTALANDSREGIONEN", "Västra Götalandsregionen"),
        ("STOCKHOLM VATTEN OCH AVFALL AB", "Stockholm vatten och avfall AB"),
        ("SYSTEMBOLAGET AKTIEBOLAG", "Systembolaget aktiebolag"),
        ("SMHI", "SMHI"),
        ("LÄNSSTYRELSEN I VÄSTRA GÖTALANDS LÄN", "Länsstyrelsen i Västra Götalands län"),
        ("LÄNSTRAFIKEN I NORRBOTTEN AKTIEBOLAG", "Länstrafiken i Norrbotten aktiebolag"),
        ("HUSBYGGNADSVAROR H.B.V. FÖRENING U.P.A.", "Husbyggnadsvaror H.B.V. förening U.P.A."),
        ("Polismyndigheten", "Polismyndigheten"),  # mixed case already: kept
    ],
)
def test_register_capitals_become_a_readable_name(register, readable):
    assert readable_name(register) == readable


def test_every_kommun_and_region_is_known_by_its_official_code():
    assert len(MUNICIPALITIES) == 290 and len(REGIONS) == 21
    assert all(len(code) == 4 and code[:2] in REGIONS for code in MUNICIPALITIES)
    assert municipality_code("LUNDS KOMMUN") == "1281"
    assert municipality_code("Göteborgs Stad") == "1480"
    assert municipality_code("Lunds universitet") is None
    assert region_code("REGION STOCKHOLM") == "01" and region_code("Västra Götalandsregionen") == "14"


@pytest.mark.parametrize(
    ("name", "kind", "county"),
    [
        ("LUNDS KOMMUN", "kommun", ("12", "1281")),
        ("REGION GOTLAND", "kommun", ("09", "0980")),
        ("REGION SKÅNE", "region", ("12", None)),
        ("LÄNSSTYRELSEN I SKÅNE LÄN", "statlig_myndighet", ("12", None)),
        ("POLISMYNDIGHETEN", "statlig_myndighet", (None, None)),
    ],
)
def test_the_lan_of_an_organisation_from_its_name(name, kind, county):
    assert county_of(name, kind) == county


@pytest.mark.parametrize(
    ("subsector", "legal_form", "kind"),
    [
        ("Kommun", "Kommuner", "kommun"),
        ("Region", "Regioner", "region"),
        ("Statlig myndighet", "Statliga enheter", "statlig_myndighet"),
        ("Kommunalt ägd organisation", "Övriga aktiebolag", "kommunalt_bolag"),
        ("Kommunalt ägd organisation", "Kommunalförbund", "ovrig"),
        ("Statligt ägd organisation", "Övriga aktiebolag", "ovrig"),
        ("Annat", "Ideella föreningar", "ovrig"),
    ],
)
def test_the_kind_of_an_organisation_from_the_statistics_sector(subsector, legal_form, kind):
    assert kind_of(subsector, legal_form) == kind
