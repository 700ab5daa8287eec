"""Names of contracting authorities as registers write them ("LUNDS KOMMUN") made readable ("Lunds kommun"),
and what a name and a sector tell of an organisation's kind and län. Pure: no Flask, no database."""

import re

from blueprints.organisations.municipalities import (
    COUNTY_GENITIVES,
    MUNICIPALITIES,
    PROVINCES,
    county_code_in,
    municipality_code,
    region_code,
)

_VOWELS = set("aeiouyåäöéü")
# Words kept in capitals: company forms and authorities' well-known abbreviations.
_ACRONYMS = {"ab", "hb", "kb", "publ"}
_WORD = re.compile(r"[\wÅÄÖåäöÉéÜü]+|[^\wÅÄÖåäöÉéÜü]+")


def _is_acronym(word: str) -> bool:
    """AB, HB, SKR, LKAB, SMHI: company forms, and short words without vowels."""
    folded = word.casefold()
    return folded in _ACRONYMS or (len(word) <= 5 and not (set(folded) & _VOWELS) and word.isalpha())


def readable_name(name: str, *, kind: str = "", county_code: str | None = None) -> str:
    """A register's capitals as Swedish writes names: "LUNDS KOMMUN" → "Lunds kommun", "REGION SKÅNE" →
    "Region Skåne", "STOCKHOLM VATTEN OCH AVFALL AB" → "Stockholm vatten och avfall AB". A name already in
    mixed case is kept as it is. Kommuner and regioner get their official form."""
    name = " ".join(name.split())
    if not name or name != name.upper() or (len(name) <= 5 and name.isalpha()):
        return name  # mixed case already, or one short word: an abbreviation (SMHI, SCB)
    code = municipality_code(name)
    if code is not None and kind in ("", "kommun"):
        return _municipality_name(code)
    region = region_code(name)
    if region is not None:
        return _region_name(name)
    parts = []
    capitalise_next = True
    tokens = _WORD.findall(name)
    for index, token in enumerate(tokens):
        if not token[0].isalnum():
            parts.append(token)
            continue
        initial = len(token) == 1 and tokens[index + 1 : index + 2] in (["."], [". "])
        if _is_acronym(token) or initial:  # AB, SKR; initials such as H.B.V. and U.P.A.
            parts.append(token.upper())
            continue
        parts.append(token.capitalize() if capitalise_next or _is_place(token) else token.lower())
        capitalise_next = False
    return _PLACE_PHRASES.sub(lambda match: _PLACE_SPELLING[match.group(0).casefold()], "".join(parts))


# Kommuner whose name in the register is not "<genitive> kommun".
_OFFICIAL_NAMES = {"2080": "Falu kommun", "0980": "Region Gotland"}


def _municipality_name(code: str) -> str:
    """Göteborgs kommun, Malmö kommun, Upplands Väsby kommun, Lilla Edets kommun: the register's form (a name
    ending in a vowel, s or x takes no genitive s)."""
    if code in _OFFICIAL_NAMES:
        return _OFFICIAL_NAMES[code]
    base = MUNICIPALITIES[code]
    genitive = base if base[-1].casefold() in "aeiouyåäösxz" else base + "s"
    return f"{genitive} kommun"


def _region_name(name: str) -> str:
    from blueprints.organisations.municipalities import REGIONS

    code = region_code(name)
    return REGIONS[code][0] if code else name


_PLACES = {place.casefold() for place in MUNICIPALITIES.values()}
# Län and provinces, in one or two words ("Västra Götalands", "Norrbotten"), spelt as they are spelt.
_PLACE_SPELLING = {place.casefold(): place for place in (*COUNTY_GENITIVES.values(), *PROVINCES)}
_PLACE_PHRASES = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _PLACE_SPELLING), key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def _is_place(word: str) -> bool:
    """A kommun's name, or its genitive (Stockholms, Göteborgs), keeps its capital inside a name."""
    folded = word.casefold()
    return folded in _PLACES or (folded.endswith("s") and folded[:-1] in _PLACES)


def kind_of(subsector: str, legal_form: str) -> str:
    """The organisation kind from the statistics' subsector (Delsektor) and legal form: kommuner, regioner and
    state agencies as they are; a company owned by a kommun or a region is a kommunalt bolag; federations,
    foundations, associations and state-owned companies are övriga."""
    subsector, form = subsector.casefold(), legal_form.casefold()
    if subsector in ("kommun", "region"):
        return subsector
    if subsector == "statlig myndighet":
        return "statlig_myndighet"
    if subsector in ("kommunalt ägd organisation", "regionalt ägd organisation") and "aktiebolag" in form:
        return "kommunalt_bolag"
    return "ovrig"


def county_of(name: str, kind: str) -> tuple[str | None, str | None]:
    """(län code, kommunkod) that a kommun's or a region's name tells; (None, None) for other organisations."""
    if kind == "kommun":
        code = municipality_code(name) or ("0980" if region_code(name) == "09" else None)  # Region Gotland
        return (code[:2], code) if code else (None, None)
    if kind == "region":
        return region_code(name), None
    return county_code_in(name), None  # a länsstyrelse, a county's association: by the län it names
