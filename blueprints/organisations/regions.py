"""Organisation kinds and Sweden's 21 counties (län) with their official two-digit codes."""

from flask_babel import lazy_gettext as _l

KINDS = {
    "kommun": _l("Kommun"),
    "region": _l("Region"),
    "statlig_myndighet": _l("Statlig myndighet"),
    "kommunalt_bolag": _l("Kommunalt bolag"),
    "ovrig": _l("Övrig"),
}

COUNTIES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}

# Counties that share a land border (Gotland shares none). Listed once; NEIGHBOURS holds both directions.
_BORDERS = {
    "01": ("03", "04"),
    "03": ("19", "21"),
    "04": ("05", "18", "19"),
    "05": ("06", "08", "14", "18"),
    "06": ("07", "08", "13", "14"),
    "07": ("08", "10", "12", "13"),
    "08": ("10",),
    "10": ("12",),
    "12": ("13",),
    "13": ("14",),
    "14": ("17", "18"),
    "17": ("18", "20"),
    "18": ("19", "20"),
    "19": ("20",),
    "20": ("21", "23"),
    "21": ("22", "23"),
    "22": ("23", "24"),
    "23": ("24",),
    "24": ("25",),
}
NEIGHBOURS: dict[str, set[str]] = {code: set() for code in COUNTIES}
for _county, _others in _BORDERS.items():
    for _other in _others:
        NEIGHBOURS[_county].add(_other)
        NEIGHBOURS[_other].add(_county)
