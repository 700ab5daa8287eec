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
