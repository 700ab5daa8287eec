"""Load the EU's official CPV spreadsheet (the XLSX with CODE and one column per language)."""

import io
import zipfile

import sqlalchemy as sa
from flask_babel import gettext as _

from blueprints.core.db import DomainError, db
from blueprints.vocabulary.cpv import InvalidCpvCode, branch_prefix, parse_code
from blueprints.vocabulary.models import CpvCode


def _level(code: str) -> int:
    return max(1, min(4, len(branch_prefix(code)) - 1))


def _parent(code: str, known: set[str]) -> str | None:
    prefix = branch_prefix(code)
    while len(prefix) > 2:
        prefix = prefix[:-1]
        candidate = prefix.ljust(8, "0")
        if candidate in known and candidate != code:
            return candidate
    return None


def import_cpv_spreadsheet(content: bytes) -> tuple[int, int]:
    """Insert or update every code with its SV and EN labels; return (added, updated)."""
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DomainError(_("Filen kunde inte läsas som XLSX.")) from error
    if not rows:
        raise DomainError(_("Filen är tom."))
    header = [str(cell or "").strip().upper() for cell in rows[0]]
    if "CODE" not in header or "SV" not in header or "EN" not in header:
        raise DomainError(_("Första raden ska innehålla kolumnerna CODE, SV och EN."))
    code_at, sv_at, en_at = header.index("CODE"), header.index("SV"), header.index("EN")
    labels: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[code_at] is None:
            continue
        try:
            code = parse_code(str(row[code_at]))
        except InvalidCpvCode as error:
            raise DomainError(
                _("Rad %(row)s: %(code)s är ingen giltig CPV-kod.", row=number, code=row[code_at])
            ) from error
        labels[code] = (str(row[sv_at] or "").strip(), str(row[en_at] or "").strip())
    existing = {c.code: c for c in db.session.scalars(sa.select(CpvCode))}
    known = set(existing) | set(labels)
    added = updated = 0
    for code, (sv, en) in labels.items():
        row_obj = existing.get(code)
        if row_obj is None:
            row_obj = CpvCode(code=code, level=_level(code), parent_code=_parent(code, known), aliases="")
            db.session.add(row_obj)
            added += 1
        elif (row_obj.label_sv, row_obj.label_en) != (sv, en):
            updated += 1
        else:
            continue
        row_obj.label_sv, row_obj.label_en = sv, en
        row_obj.refresh_search_text()
    db.session.flush()
    return added, updated
