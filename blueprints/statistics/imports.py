"""Importing a Statistikdatabasen export, all of a file or nothing of it.

Every row is kept: what could not be verified (an organisationsnummer that fails its check digit, a missing CPV
code, a title cut at 1,000 characters) is marked on the row and counted in the report. A row that cannot be
stored at all (no Upphandlings-ID, no year, no buyer, a duplicate) refuses the whole file, with a report of
each such row by its number. Buyers are matched to organisations by organisationsnummer; unknown ones are
created with a readable name, a kind from their sector, and for kommuner and regioner their län. Importing
the same file again changes nothing.
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _

from blueprints.core.audit import record_event
from blueprints.core.db import DomainError, db
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.organisations.models import Organisation
from blueprints.organisations.names import county_of, kind_of, readable_name
from blueprints.statistics import files
from blueprints.statistics.models import TITLE_LENGTH, LotAward, Procurement, ProcurementLot, StatisticsImport
from blueprints.statistics.rows import N_, ParsedRow, RowRefused, parse_row

# Sent (with the import's record) when an import added or changed procurements, in its transaction: areas that
# learn from the statistics queue their work then.
procurements_changed = Namespace().signal("procurements-changed")
ANALYZE_AFTER = 1000  # rows: refresh the planner's statistics after an import this large
REPORTED_REFUSALS = 500
CHUNK = 900  # keys per IN (...) list: below SQLite's limit on bound parameters
Progress = Callable[[int, int, str], None]


@dataclass
class Refusal:
    """A row the file was refused for: its number and why (a msgid with parameters, translated when shown)."""

    row: int
    message: str
    params: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> list[Any]:
        return [self.row, self.message, self.params]


class ImportRefused(DomainError):
    """The file was refused and nothing was stored; ``details`` lists the rows and why."""

    def __init__(self, refusals: list[Refusal], total_rows: int) -> None:
        super().__init__(
            _(
                "%(count)s av %(rows)s rader kunde inte läsas; inget har sparats. Rätta raderna och importera "
                "filen igen.",
                count=len(refusals),
                rows=total_rows,
            ),
            field="file",
            details={"refused": [r.as_json() for r in refusals[:REPORTED_REFUSALS]], "refused_count": len(refusals)},
        )
        self.refusals = refusals


def _no_progress(done: int, total: int, stage: str) -> None:
    return None


def import_file(
    *, filename: str, content: bytes, imported_by_id: int | None = None, progress: Progress = _no_progress
) -> StatisticsImport:
    """Import one export file (XLSX or CSV, any of the four layouts); all of it, or nothing (ImportRefused)."""
    table = files.read_table(filename, content)
    rows = _parse(table, progress)
    progress(len(table), len(table), _("Sparar i databasen …"))
    organisation_ids, organisations_created = _organisations_for(rows)
    store = {
        files.PROCUREMENTS: _store_procurements,
        files.VALUES: _store_procurements,
        files.TENDER_COUNTS: _store_lots,
        files.AWARDS: _store_awards,
    }[table.layout]
    counts = store(rows, organisation_ids, table.layout)
    unverified = Counter(code for row in rows for code in row.unverified)
    record = StatisticsImport(
        filename=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        layout=table.layout,
        years=" ".join(str(y) for y in sorted({row.year for row in rows})),
        rows=len(rows),
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        organisations_created=organisations_created,
        report={
            "unverified": dict(unverified),
            "unverified_rows": sum(1 for row in rows if row.unverified),
            **{name: value for name, value in counts.items() if name not in CORE_COUNTS},
        },
        imported_by_id=imported_by_id,
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        "import",
        object_type="StatisticsImport",
        object_id=record.id,
        summary=f"{filename[:200]}: {len(rows)} rader ({counts['created']} nya, {counts['updated']} ändrade)",
    )
    if len(rows) >= ANALYZE_AFTER:
        for name in ("organisation", "procurement", "procurement_lot", "lot_award"):
            db.session.execute(sa.text(f"ANALYZE {name}"))
    if table.layout in (files.PROCUREMENTS, files.VALUES) and (counts["created"] or counts["updated"]):
        procurements_changed.send(record)
    return record


CORE_COUNTS = ("created", "updated", "unchanged")


def _parse(table: files.Table, progress: Progress) -> list[ParsedRow]:
    """Every row parsed; ImportRefused when any cannot be stored or names the same thing as an earlier row."""
    rows: list[ParsedRow] = []
    refusals: list[Refusal] = []
    first_row_of: dict[str, int] = {}
    total = len(table)
    for number, cells in table.rows():
        if len(rows) % 2000 == 0:
            progress(len(rows), total, _("Läser rad %(row)s av %(rows)s …", row=len(rows) + 1, rows=total))
        try:
            row = parse_row(number, cells, table.layout)
        except RowRefused as refused:
            refusals.append(Refusal(number, refused.message, refused.params))
            continue
        identity = _identity(row, table.layout)
        if identity is not None and identity in first_row_of:
            refusals.append(
                Refusal(number, N_("samma upphandling som rad %(row)s"), {"row": str(first_row_of[identity])})
            )
            continue
        if identity is not None:
            first_row_of[identity] = number
        rows.append(row)
    if refusals:
        raise ImportRefused(refusals, total)
    if not rows:
        raise DomainError(_("Filen har inga rader under rubrikraden."), field="file")
    return rows


def _identity(row: ParsedRow, layout: str) -> str | None:
    """What may appear once per file: a procurement, a lot. (Winners of a lot are added up instead: the
    agency's file names hidden natural persons "Personuppgift", several of them for one lot.)"""
    if layout in (files.PROCUREMENTS, files.VALUES):
        return row.record_key
    if layout == files.TENDER_COUNTS:
        return row.lot_key
    return None


# --- organisations ----------------------------------------------------------------------------------------


def _organisations_for(rows: list[ParsedRow]) -> tuple[dict[str, int], int]:
    """The organisation id of every buyer in the rows, creating the ones not yet known; (ids, created)."""
    buyers = {row.buyer.org_number: row.buyer for row in rows}
    known = _organisation_ids(list(buyers))
    missing = [buyer for number, buyer in buyers.items() if number not in known]
    if missing:
        new_rows = []
        for buyer in missing:
            kind = kind_of(buyer.subsector, buyer.legal_form)
            county, municipality = county_of(buyer.name, kind)
            name = readable_name(buyer.name, kind=kind)[:200]
            display = f"{buyer.org_number[:6]}-{buyer.org_number[6:]}"
            new_rows.append(
                {
                    "name": name,
                    "org_number": buyer.org_number,
                    "kind": kind,
                    "county_code": county,
                    "municipality_code": municipality,
                    "search_text": search_text(name, buyer.org_number, display),
                    "sort_key": swedish_sort_key(name)[:200],
                }
            )
        db.session.execute(sa.insert(Organisation), new_rows)
        known = _organisation_ids(list(buyers))
    return known, len(missing)


def _organisation_ids(numbers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        query = sa.select(Organisation.org_number, Organisation.id).where(Organisation.org_number.in_(chunk))
        ids.update({number: id_ for number, id_ in db.session.execute(query).tuples()})
    return ids


# --- procurements -----------------------------------------------------------------------------------------

_COMMON_FIELDS = (
    "procurement_key",
    "year",
    "published_on",
    "organisation_id",
    "buyer_name",
    "buyer_org_number",
    "sector",
    "cpv_code",
    "title",
    "procedure",
    "contract_type",
    "procurement_kind",
    "is_coordinated",
    "is_innovation",
    "is_environmental",
    "is_social",
    "is_dynamic",
    "has_lots",
    "unverified",
    "search_text",
)


def _procurement_values(row: ParsedRow, organisation_id: int, layout: str) -> dict[str, Any]:
    values = {
        "procurement_key": row.key,
        "year": row.year,
        "published_on": row.published_on,
        "organisation_id": organisation_id,
        "buyer_name": row.buyer.name,
        "buyer_org_number": row.buyer.org_number,
        "sector": row.buyer.sector,
        "cpv_code": row.cpv_code,
        "title": row.title,
        "procedure": row.procedure,
        "contract_type": row.contract_type,
        "procurement_kind": row.procurement_kind,
        "is_coordinated": row.is_coordinated,
        "is_innovation": row.is_innovation,
        "is_environmental": row.is_environmental,
        "is_social": row.is_social,
        "is_dynamic": row.is_dynamic,
        "has_lots": row.has_lots,
        "unverified": " ".join(row.unverified),
        "search_text": search_text(row.title)[:TITLE_LENGTH],
    }
    if layout == files.VALUES:  # the count file knows no values: it never clears one
        values["contracted_value_sek"] = row.contracted_value_sek
    return values


def _existing_procurements(record_keys: list[str], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    columns = [Procurement.id, Procurement.record_key, *(getattr(Procurement, name) for name in fields)]
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(record_keys), CHUNK):
        chunk = record_keys[start : start + CHUNK]
        for row in db.session.execute(sa.select(*columns).where(Procurement.record_key.in_(chunk))):
            found[row.record_key] = dict(row._mapping)
    return found


def _unvalued_by_id_and_buyer(rows: list[ParsedRow], organisation_ids: dict[str, int]) -> dict[tuple[str, int], int]:
    """Stored procurements without a value that are the only one of their ID and buyer: the value file's row
    for one whose title or day the agency wrote differently in the count file."""
    keys = sorted({row.key for row in rows})
    candidates: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
    for start in range(0, len(keys), CHUNK):
        query = sa.select(Procurement.procurement_key, Procurement.organisation_id, Procurement.id).where(
            Procurement.procurement_key.in_(keys[start : start + CHUNK]), Procurement.contracted_value_sek.is_(None)
        )
        for key, organisation_id, id_ in db.session.execute(query).tuples():
            candidates[key, organisation_id].append(id_)
    return {pair: ids[0] for pair, ids in candidates.items() if len(ids) == 1}


def _store_procurements(rows: list[ParsedRow], organisation_ids: dict[str, int], layout: str) -> dict[str, int]:
    """Insert the new procurements and update the changed ones. The count file (one row per advertised
    procurement) is what a procurement says; the value file adds its contracted value, and describes only the
    procurements the count file lacks (the two files disagree on a few hundred procedures and titles)."""
    compared = ("contracted_value_sek",) if layout == files.VALUES else _COMMON_FIELDS
    existing = _existing_procurements([row.record_key for row in rows], compared)
    by_id_and_buyer = _unvalued_by_id_and_buyer(rows, organisation_ids) if layout == files.VALUES else {}
    matched_exactly = {stored["id"] for stored in existing.values()}
    by_id_and_buyer = {pair: id_ for pair, id_ in by_id_and_buyer.items() if id_ not in matched_exactly}
    inserts, updates = [], []
    unchanged = matched_by_id = 0
    for row in rows:
        values = _procurement_values(row, organisation_ids[row.buyer.org_number], layout)
        stored = existing.get(row.record_key)
        if stored is None and (row.key, values["organisation_id"]) in by_id_and_buyer:
            # The count file's row under another title or day: it gets the value, and keeps its title and day.
            pair = (row.key, values["organisation_id"])
            updates.append({"id": by_id_and_buyer.pop(pair), "contracted_value_sek": row.contracted_value_sek})
            matched_by_id += 1
        elif stored is None:
            inserts.append({"record_key": row.record_key, **values})
        elif any(stored[name] != values[name] for name in compared):
            updates.append({"id": stored["id"], **{name: values[name] for name in compared}})
        else:
            unchanged += 1
    for start in range(0, len(inserts), 2000):
        db.session.execute(sa.insert(Procurement), inserts[start : start + 2000])
    if updates:
        db.session.execute(sa.update(Procurement), updates)
    return {
        "created": len(inserts),
        "updated": len(updates),
        "unchanged": unchanged,
        "matched_by_id_and_buyer": matched_by_id,
    }


# --- lots and their winners -------------------------------------------------------------------------------


def _lot_values(row: ParsedRow, organisation_id: int) -> dict[str, Any]:
    return {
        "procurement_key": row.key,
        "year": row.year,
        "organisation_id": organisation_id,
        "cpv_code": row.cpv_code,
    }


def _store_lots(rows: list[ParsedRow], organisation_ids: dict[str, int], layout: str) -> dict[str, int]:
    keys = [row.lot_key for row in rows]
    existing: dict[str, dict[str, Any]] = {}
    columns = [ProcurementLot.id, ProcurementLot.lot_key, ProcurementLot.procurement_key, ProcurementLot.year]
    columns += [ProcurementLot.organisation_id, ProcurementLot.cpv_code, ProcurementLot.tenders]
    for start in range(0, len(keys), CHUNK):
        query = sa.select(*columns).where(ProcurementLot.lot_key.in_(keys[start : start + CHUNK]))
        existing.update({row.lot_key: dict(row._mapping) for row in db.session.execute(query)})
    return _upsert(
        ProcurementLot,
        (
            (row.lot_key, {**_lot_values(row, organisation_ids[row.buyer.org_number]), "tenders": row.tenders})
            for row in rows
        ),
        existing,
        key_field="lot_key",
    )


def _merged_awards(rows: list[ParsedRow], organisation_ids: dict[str, int]) -> tuple[dict[tuple[str, str], dict], int]:
    """One award per lot and supplier name: rows naming the same (the agency hides natural persons as
    "Personuppgift") are added up, their details taken from whichever row has them."""
    awards: dict[tuple[str, str], dict[str, Any]] = {}
    merged = 0
    for row in rows:
        supplier = row.supplier
        key = (row.lot_key, supplier["name"])
        award = awards.get(key)
        if award is None:
            awards[key] = {
                **_lot_values(row, organisation_ids[row.buyer.org_number]),
                "lot_key": row.lot_key,
                "supplier_name": supplier["name"],
                "supplier_size": supplier["size"],
                "supplier_sector": supplier["sector"],
                "supplier_legal_form": supplier["legal_form"],
                "supplier_sni": supplier["sni"],
                "contracts": row.contracts,
            }
            continue
        merged += 1
        award["contracts"] += row.contracts
        for name in ("size", "sector", "legal_form", "sni"):
            award[f"supplier_{name}"] = award[f"supplier_{name}"] or supplier[name]
    return awards, merged


def _store_awards(rows: list[ParsedRow], organisation_ids: dict[str, int], layout: str) -> dict[str, int]:
    awards, merged = _merged_awards(rows, organisation_ids)
    lot_keys = sorted({lot for lot, _supplier in awards})
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(lot_keys), CHUNK):
        query = sa.select(LotAward).where(LotAward.lot_key.in_(lot_keys[start : start + CHUNK]))
        for award in db.session.scalars(query):
            existing[award.lot_key, award.supplier_name] = {
                "id": award.id,
                **{name: getattr(award, name) for name in next(iter(awards.values()))},
            }
    counts = _upsert(LotAward, awards.items(), existing, key_field=None)
    return {**counts, "merged_rows": merged}


def _upsert(
    model: type, items: Iterable[tuple[Any, dict[str, Any]]], existing: dict[Any, dict[str, Any]], key_field: str | None
) -> dict[str, int]:
    inserts, updates = [], []
    unchanged = 0
    for key, values in items:
        stored = existing.get(key)
        if stored is None:
            inserts.append({key_field: key, **values} if key_field else values)
        elif any(stored.get(name) != value for name, value in values.items()):
            updates.append({"id": stored["id"], **values})
        else:
            unchanged += 1
    for start in range(0, len(inserts), 2000):
        db.session.execute(sa.insert(model), inserts[start : start + 2000])
    if updates:
        db.session.execute(sa.update(model), updates)
    return {"created": len(inserts), "updated": len(updates), "unchanged": unchanged}
