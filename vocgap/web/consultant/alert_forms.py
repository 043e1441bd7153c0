"""The alert rules form: which rules run, their thresholds, who hears, and the study currency."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, StringField
from wtforms.validators import DataRequired, NumberRange, Regexp


class AlertSettingsForm(FlaskForm):
    detractor = BooleanField("Alert on a customer detractor")
    detractor_max = IntegerField(
        "Detractor: likelihood to recommend at or below", default=6,
        validators=[DataRequired(message="Give a score from 0 to 9."),
                    NumberRange(min=0, max=9, message="Give a score from 0 to 9.")])
    false_champion = BooleanField("Alert on a false champion (the contact resists; the "
                                  "power map says champion or supporter)")
    below_prediction = BooleanField("Alert when a respondent scores a dimension well below the "
                                    "team's prediction")
    below_points = DecimalField(
        "Below the prediction by at least (scale points)", places=1, default=2,
        validators=[DataRequired(message="Give a number of points from 0.5 to 6."),
                    NumberRange(min=0.5, max=6, message="Give a number of points from 0.5 "
                                "to 6.")])
    email_consultants = BooleanField("E-mail the study's consultants about each new alert "
                                     "(no respondent is named in the e-mail)")
    notify_owners = BooleanField("Tell account owners, de-identified (only for groups of at "
                                 "least the confidentiality minimum)")
    currency = StringField("Currency of annual revenue (ISO code, e.g. EUR, USD, GBP)",
                           default="EUR", validators=[DataRequired(), Regexp(
                               r"^[A-Za-z]{3}$", message="Use a three-letter code such as "
                               "EUR, USD or GBP.")])

    def populate_obj(self, obj) -> None:
        """Only the rule fields belong to the settings row; the currency is the study's."""
        for name in ("detractor", "detractor_max", "false_champion", "below_prediction",
                     "email_consultants", "notify_owners"):
            setattr(obj, name, self[name].data)
        obj.below_points = float(self.below_points.data)
