"""The discovery page's question, read from the URL (and the API's arguments): what was bought (CPV branches,
a need area's branches, words in the titles), when, by whom, how."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Form

from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.forms import InputRulesMeta
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.statistics.buyers import FLAGS, SORTS
from blueprints.vocabulary.cpv import tokens, valid_codes
from blueprints.vocabulary.forms import CpvCodesField


def _year(value: object) -> int | None:
    year = int_arg(value, maximum=2100)
    return year if year and year >= 1990 else None


@dataclass(frozen=True)
class DiscoveryFilter(ListState):
    """What the person asks; every value checked, a bad link never fails."""

    cpv: str = ""  # CPV codes, as typed or picked
    need_area: int | None = None
    q: str = ""
    year_from: int | None = None
    year_to: int | None = None
    county: str = ""
    kind: str = ""
    procedure: str = ""
    flags: str = ""  # of statistics.buyers.FLAGS, space-separated
    sort: str = "value"
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> "DiscoveryFilter":
        """Read the filter from query arguments (flags may come as several ``flag`` arguments)."""
        flags = [f for f in (args.getlist("flag") if hasattr(args, "getlist") else []) if f in FLAGS]
        flags += [f for f in args.get("flags", "").split() if f in FLAGS]
        return cls(
            cpv=" ".join(valid_codes(args.get("cpv", "")[:500])),
            need_area=int_arg(args.get("need_area")),
            q=" ".join(args.get("q", "").split())[:200],
            year_from=_year(args.get("year_from") or args.get("from")),
            year_to=_year(args.get("year_to") or args.get("to")),
            county=args.get("county", "") if args.get("county") in COUNTIES else "",
            kind=args.get("kind", "") if args.get("kind") in KINDS else "",
            procedure=args.get("procedure", "").strip()[:120],
            flags=" ".join(dict.fromkeys(flags)),
            sort=args.get("sort", "") if args.get("sort") in SORTS else "value",
            page=page_arg(args.get("page")),
        )

    @property
    def codes(self) -> list[str]:
        """The CPV codes asked for."""
        return self.cpv.split()

    @property
    def words(self) -> list[str]:
        """The words to find in titles (two letters or more)."""
        return [word for word in tokens(self.q) if len(word) >= 2]

    @property
    def flag_list(self) -> list[str]:
        """The flags asked for."""
        return self.flags.split()

    @property
    def asks_something(self) -> bool:
        """A branch, a need area or words: without one of them there is nothing to discover."""
        return bool(self.cpv or self.need_area or self.words)


class CpvQuestionForm(Form):
    """The CPV picker of the discovery form (a GET form: no CSRF, nothing stored)."""

    class Meta(InputRulesMeta, Form.Meta):
        pass

    cpv = CpvCodesField(_l("CPV-koder"), description=_l("Sök med ord eller skriv koder. En kod tar med hela sin gren."))
