"""Back-office forms, each validating what it can before anything is written."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ...instruments import STAGES
from ...languages import native_name, report_languages
from ...models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS


def _choices(table: dict[str, str], blank: str | None = None) -> list[SelectChoice]:
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(k, v) for k, v in table.items()]


class ActionForm(FlaskForm):
    """A button that changes something: CSRF token only."""


class WaveDatesMixin:
    def validate_closes(self, field) -> None:
        if self.opens.data and field.data and field.data <= self.opens.data:
            raise ValidationError("The wave must close after it opens.")


def _one_line(form, field) -> None:
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError("Use a single line without control characters.")


class SenderMixin:
    """Who respondents hear from: shown in every e-mail and on the survey's welcome page."""

    sender_name = StringField("Sender name (shown as the e-mail's From)",
                              validators=[Optional(), Length(max=200), _one_line])
    research_organisation = StringField("Research organisation (who runs the research)",
                                        validators=[Optional(), Length(max=200), _one_line])
    contact_name = StringField("Contact person (signs the e-mails)",
                               validators=[Optional(), Length(max=200), _one_line])
    contact_email = EmailField("Contact e-mail for respondents' questions",
                               validators=[Optional(), Email(), Length(max=254)])


class StudySettingsForm(SenderMixin, FlaskForm):
    report_language = SelectField(
        "Report language", default="en",
        description="Reports are written in this language whatever languages respondents "
                    "answered in; comments keep their own, tagged with it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_language.choices = [SelectChoice(code, f"{native_name(code)} ({code})")
                                        for code in report_languages()]


class StudyForm(SenderMixin, WaveDatesMixin, FlaskForm):
    vendor = StringField("Vendor (the company whose relationships are examined)",
                         validators=[DataRequired(), Length(max=200)])
    name = StringField("Study name", validators=[DataRequired(), Length(max=200)])
    short_name = StringField("Short name (used on the command line)", validators=[
        DataRequired(), Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
                               message="Use lowercase letters, digits and hyphens.")])
    instrument = SelectField("Instrument", validators=[DataRequired()])
    opens = DateField("Wave opens", validators=[DataRequired()])
    closes = DateField("Wave closes", validators=[DataRequired()])
    min_group = IntegerField("Confidentiality minimum (smallest group shown to the vendor)",
                             default=3, validators=[DataRequired(), NumberRange(min=3, max=50)])


class WaveForm(WaveDatesMixin, FlaskForm):
    instrument = SelectField("Instrument", validators=[DataRequired()])
    opens = DateField("Wave opens", validators=[DataRequired()])
    closes = DateField("Wave closes", validators=[DataRequired()])


class SendForm(FlaskForm):
    """The confirmed batch: which sides, and the count the consultant saw."""

    sides = SelectField("Send to", choices=[
        SelectChoice("both", "Customer contacts and vendor staff"),
        SelectChoice("customer", "Customer contacts only"),
        SelectChoice("vendor", "Vendor staff only")], default="both")
    expected = IntegerField("Recipients shown", validators=[Optional()])


class ReopenForm(FlaskForm):
    closes = DateField("Wave closes", validators=[DataRequired()])


class AccountForm(FlaskForm):
    name = StringField("Account name", validators=[DataRequired(), Length(max=200)])
    segment = StringField("Segment", validators=[Optional(), Length(max=100)])
    annual_value = DecimalField("Annual value", places=2, validators=[
        Optional(), NumberRange(min=0, max=10**12)])
    crm_stage = SelectField("Stage in the vendor's CRM", choices=[
        SelectChoice("", "Not recorded"),
        *(SelectChoice(str(score), name) for score, name in enumerate(STAGES))],
        validators=[Optional()])
    key_account = BooleanField("Key account")


class ParticipantForm(FlaskForm):
    side = SelectField("Side", choices=[SelectChoice("customer", "Customer contact"),
                                        SelectChoice("vendor", "Vendor staff")])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[Optional(), Email(), Length(max=254)])
    account = SelectField("Account (customer contacts)", default="")
    role = SelectField("Buying-team role", choices=_choices(CUSTOMER_ROLES, "Not recorded"),
                       default="")
    quartet = SelectField("Quartet position", choices=_choices(QUARTET, "Not recorded"),
                          default="")
    function = SelectField("Function (vendor staff)",
                           choices=_choices(VENDOR_FUNCTIONS, "Choose a function"), default="")
    served = SelectMultipleField("Accounts they answer for (vendor staff)",
                                 widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput())
    consent_attribution = BooleanField("Consents to verbatims being attributed by role")
    language = SelectField("Survey and e-mail language", default="",
                           description="Unset: the language their browser prefers, among those "
                                       "the survey offers.")

    def validate_account(self, field) -> None:
        if self.side.data == "customer" and not field.data:
            raise ValidationError("A customer contact needs an account.")

    def validate_function(self, field) -> None:
        if self.side.data == "vendor" and not field.data:
            raise ValidationError("Choose the vendor participant's function.")

    def validate_served(self, field) -> None:
        if self.side.data == "vendor" and not field.data:
            raise ValidationError("Choose at least one account this person answers for.")


UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx"]
UPLOAD_HELP = "CSV (any common encoding; comma, semicolon or tab) or an Excel workbook."


class UploadForm(FlaskForm):
    file = FileField("CSV or Excel file", description=UPLOAD_HELP, validators=[
        FileRequired(), FileAllowed(UPLOAD_TYPES, "CSV, TSV, TXT or XLSX only.")])
    create_accounts = BooleanField("Create accounts that do not exist yet", default=True)
    dry_run = BooleanField("Check only: show what would be imported and write nothing")


class ResponsesUploadForm(FlaskForm):
    file = FileField("CSV or Excel file", description=UPLOAD_HELP, validators=[
        FileRequired(), FileAllowed(UPLOAD_TYPES, "CSV, TSV, TXT or XLSX only.")])
    layout = SelectField("Layout", choices=[
        SelectChoice("auto", "Detect"), SelectChoice("long", "Long: account, side, respondent, "
                                                     "item, value"),
        SelectChoice("wide", "Wide: one row a respondent, one column an item")])
    mapping = FileField("Column mapping (YAML, optional)",
                        validators=[Optional(), FileAllowed(["yaml", "yml"], "YAML only.")])
    replace = BooleanField("Replace what the file holds for responses already submitted "
                           "(other answers are kept)")
    create_accounts = BooleanField("Create accounts that do not exist yet")
    dry_run = BooleanField("Check only: show the plan (including what would be replaced) and "
                           "write nothing")
