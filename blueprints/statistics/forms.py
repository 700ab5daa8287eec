"""The upload of a Statistikdatabasen export."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from blueprints.core.forms import AppForm


class StatisticsUploadForm(AppForm):
    """One export file: XLSX or CSV, any year, any of the four layouts."""

    file = FileField(
        _l("Fil ur Statistikdatabasen (XLSX eller CSV)"),
        validators=[
            FileRequired(message=_l("Välj en fil.")),
            FileAllowed(["xlsx", "csv"], message=_l("Filen ska vara XLSX eller CSV.")),
        ],
        description=_l(
            "Antal upphandlingar, kontrakterat värde, antal anbud per anbudsområde eller kontrakterade anbud med "
            "leverantörer. Högst 40 MB."
        ),
    )
