"""Forms of the themes workspace: a theme's wording, a merge, a split and a coded-file upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ThemeForm(FlaskForm):
    """Name, definition, example phrases and keywords of one theme."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    definition = TextAreaField("Definition", validators=[Length(max=1000)])
    examples = TextAreaField("Example phrases (one a line, any language)",
                             validators=[Length(max=20000)])
    keywords = StringField("Keywords (comma-separated; matched in every language of the study)",
                           validators=[Length(max=1000)])


class MergeForm(FlaskForm):
    """Fold this theme into another."""

    target = SelectField("Merge into", coerce=int)


class SplitForm(FlaskForm):
    """A new theme that takes some of this theme's examples and keywords."""

    name = StringField("Name of the new theme", validators=[DataRequired(), Length(max=120)])
    definition = TextAreaField("Definition of the new theme", validators=[Length(max=1000)])


class QuotesForm(FlaskForm):
    """The vendor-edition option: quotes, or themed counts only."""

    vendor_quotes = BooleanField("Quote verbatims in the vendor edition (unattributed; only from "
                                 "groups at the confidentiality minimum)")


class CodesUploadForm(FlaskForm):
    """A coded CSV or workbook, as exported from this page."""

    upload = FileField("Coded file (CSV or XLSX)", validators=[FileRequired()])
