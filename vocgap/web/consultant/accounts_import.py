"""Import accounts' revenue, renewal dates and owners from a file, upserted by account name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from ...collection.imports import import_accounts
from ...models import Study
from . import bp, study_view
from .data import _import_page, _name
from .forms import UPLOAD_HELP, UPLOAD_TYPES


class AccountsUploadForm(FlaskForm):
    file = FileField("CSV or Excel file", description=UPLOAD_HELP, validators=[
        FileRequired(), FileAllowed(UPLOAD_TYPES, "CSV, TSV, TXT or XLSX only.")])
    dry_run = BooleanField("Check only: show what would be imported and write nothing")


@bp.route("/studies/<int:study_id>/import/accounts", methods=["GET", "POST"])
@study_view
def import_accounts_page(study: Study):
    """Upload an accounts file: every row checked, then all written or none."""
    form = AccountsUploadForm()
    return _import_page(study, form, "consultant/import_accounts.html", lambda upload: (
        import_accounts(study, upload.read(), _name(upload, "accounts.csv"),
                        dry_run=form.dry_run.data)), "consultant.study", "accounts")
