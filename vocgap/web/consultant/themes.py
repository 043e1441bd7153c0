"""The themes workspace: propose and edit the coding frame, review codes, exchange coded files."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ...collection.imports.common import ImportFailed
from ...extensions import db
from ...models import Study
from ...themes.coding import FrameNotEmpty, decide, propose_frame, suggest
from ...themes.editing import (
    FrameError,
    add_theme,
    change_theme,
    delete_theme,
    merge_themes,
    split_theme,
)
from ...themes.exchange import export_csv, import_csv
from ...themes.review import review_page, theme_counts
from ...themes.store import (
    coding_frame,
    frame_settings,
    study_theme,
    study_themes,
    study_verbatims,
)
from . import bp, study_view
from .forms import ActionForm
from .theme_forms import CodesUploadForm, MergeForm, QuotesForm, SplitForm, ThemeForm


def _theme_or_404(study: Study, theme_id: int):
    theme = study_theme(study, theme_id)
    if theme is None:
        abort(404)
    return theme


def _to_frame(study: Study, anchor: str = ""):
    return redirect(url_for("consultant.themes", study_id=study.id) + anchor, code=303)


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired or was not sent from this page; try again.")


@bp.get("/studies/<int:study_id>/themes/")
@study_view
def themes(study: Study):
    frame = frame_settings(study)
    return render_template("consultant/themes/frame.html", study=study, frame=frame,
                           themes=study_themes(study), counts=theme_counts(study),
                           action=ActionForm(), add=ThemeForm(prefix="new"),
                           quotes=QuotesForm(vendor_quotes=frame.vendor_quotes),
                           upload=CodesUploadForm())


@bp.post("/studies/<int:study_id>/themes/propose")
@study_view
def propose(study: Study):
    _checked()
    try:
        proposed = propose_frame(study)
    except FrameNotEmpty as error:
        flash(str(error).capitalize() + ".", "error")
        return _to_frame(study)
    counts = suggest(study)
    db.session.commit()
    flash(f"Proposed {len(proposed)} themes from the answers and suggested "
          f"{counts['suggested']} codes. Review and edit them below.", "info")
    return _to_frame(study)


@bp.post("/studies/<int:study_id>/themes/suggest")
@study_view
def rerun(study: Study):
    _checked()
    counts = suggest(study)
    db.session.commit()
    flash(f"Suggested {counts['suggested']} codes for {counts['verbatims']} verbatims; "
          f"{counts['kept']} decided codes kept as they were.", "info")
    return _to_frame(study)


@bp.post("/studies/<int:study_id>/themes/add")
@study_view
def add(study: Study):
    form = ThemeForm(prefix="new")
    if not form.validate_on_submit():
        flash("A new theme needs a name (at most 120 characters).", "error")
        return _to_frame(study)
    try:
        theme = add_theme(study, form.name.data, form.definition.data, form.examples.data,
                          form.keywords.data)
    except FrameError as error:
        flash(str(error), "error")
        return _to_frame(study)
    suggest(study)
    db.session.commit()
    flash(f"Added the theme '{theme.name}' and refreshed the suggestions.", "info")
    return _to_frame(study, f"#theme-{theme.id}")


@bp.route("/studies/<int:study_id>/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@study_view
def edit(study: Study, theme_id: int):
    theme = _theme_or_404(study, theme_id)
    form = ThemeForm(obj=theme)
    merge = MergeForm()
    merge.target.choices = [(t.id, t.name) for t in study_themes(study) if t.id != theme.id]
    split = SplitForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            change_theme(study, theme, form.name.data, form.definition.data,
                         form.examples.data, form.keywords.data)
        except FrameError as error:
            form.name.errors.append(str(error))
        else:
            suggest(study)
            db.session.commit()
            flash(f"Saved the theme '{theme.name}'.", "info")
            return _to_frame(study, f"#theme-{theme.id}")
    return render_template("consultant/themes/edit.html", study=study, theme=theme, form=form,
                           merge=merge, split=split, action=ActionForm())


@bp.post("/studies/<int:study_id>/themes/<int:theme_id>/merge")
@study_view
def merge(study: Study, theme_id: int):
    theme = _theme_or_404(study, theme_id)
    form = MergeForm()
    form.target.choices = [(t.id, t.name) for t in study_themes(study) if t.id != theme.id]
    if not form.validate_on_submit():
        abort(400, description="Choose a theme of this study to merge into.")
    target = _theme_or_404(study, form.target.data)
    name = theme.name
    merge_themes(study, theme, target)
    suggest(study)
    db.session.commit()
    flash(f"Merged '{name}' into '{target.name}'.", "info")
    return _to_frame(study, f"#theme-{target.id}")


@bp.post("/studies/<int:study_id>/themes/<int:theme_id>/split")
@study_view
def split(study: Study, theme_id: int):
    theme = _theme_or_404(study, theme_id)
    form = SplitForm()
    if not form.validate_on_submit():
        flash("The new theme needs a name.", "error")
        return redirect(url_for("consultant.edit", study_id=study.id, theme_id=theme.id), 303)
    try:
        new = split_theme(study, theme, form.name.data, form.definition.data,
                          request.form.getlist("move_example"),
                          request.form.getlist("move_keyword"))
    except FrameError as error:
        flash(str(error), "error")
        return redirect(url_for("consultant.edit", study_id=study.id, theme_id=theme.id), 303)
    suggest(study)
    db.session.commit()
    flash(f"Split '{new.name}' off '{theme.name}'.", "info")
    return _to_frame(study, f"#theme-{new.id}")


@bp.route("/studies/<int:study_id>/themes/<int:theme_id>/delete", methods=["GET", "POST"])
@study_view
def delete(study: Study, theme_id: int):
    theme = _theme_or_404(study, theme_id)
    if request.method == "GET":
        return render_template("consultant/themes/delete.html", study=study, theme=theme,
                               counts=theme_counts(study).get(theme.id, {}),
                               action=ActionForm())
    _checked()
    name = theme.name
    delete_theme(study, theme)
    db.session.commit()
    flash(f"Deleted the theme '{name}' and its codes.", "info")
    return _to_frame(study)


@bp.post("/studies/<int:study_id>/themes/quotes")
@study_view
def vendor_quotes(study: Study):
    form = QuotesForm()
    if not form.validate_on_submit():
        abort(400)
    coding_frame(study).vendor_quotes = bool(form.vendor_quotes.data)
    db.session.commit()
    flash("Vendor edition: " + ("unattributed quotes from groups at the minimum."
                                if form.vendor_quotes.data else "themed counts only, no quotes."),
          "info")
    return _to_frame(study)


@bp.route("/studies/<int:study_id>/themes/review", methods=["GET", "POST"])
@study_view
def review(study: Study):
    show = request.args.get("show", "unreviewed")
    page_number = request.args.get("page", 1, type=int) or 1
    if request.method == "POST":
        _checked()
        known = {row.id for row in study_verbatims(study)}  # never another study's answers
        shown = [int(v) for v in request.form.getlist("shown") if v.isdigit()
                 and int(v) in known]
        themes = {t.id for t in study_themes(study)}
        save = request.form.get("save", "")
        if save and not (save.isdigit() and int(save) in shown):
            abort(400, description="That verbatim is not on this page.")
        chosen = [int(save)] if save else shown
        for answer_id in chosen:
            picked = {int(v) for v in request.form.getlist(f"codes-{answer_id}") if v.isdigit()}
            decide(study, answer_id, picked & themes, current_user)
        db.session.commit()
        flash(f"Saved the codes of {len(chosen)} verbatim{'s' if len(chosen) != 1 else ''}.",
              "info")
        return redirect(url_for("consultant.review", study_id=study.id, show=show,
                                page=page_number), 303)
    page = review_page(study, show, page_number)
    return render_template("consultant/themes/review.html", study=study, page=page, show=show,
                           themes=study_themes(study), action=ActionForm())


@bp.get("/studies/<int:study_id>/themes/codes.csv")
@study_view
def export_codes(study: Study):
    return send_file(io.BytesIO(export_csv(study)), mimetype="text/csv", as_attachment=True,
                     download_name=f"{study.short_name}-verbatim-codes.csv")


@bp.post("/studies/<int:study_id>/themes/codes")
@study_view
def import_codes(study: Study):
    form = CodesUploadForm()
    if not form.validate_on_submit():
        flash("Choose a coded file to upload.", "error")
        return _to_frame(study)
    upload = form.upload.data
    try:
        count = import_csv(study, upload.read(), upload.filename or "upload.csv", current_user)
    except ImportFailed as failure:
        db.session.rollback()
        frame = frame_settings(study)
        return render_template("consultant/themes/frame.html", study=study, frame=frame,
                               themes=study_themes(study), counts=theme_counts(study),
                               action=ActionForm(), add=ThemeForm(prefix="new"),
                               quotes=QuotesForm(vendor_quotes=frame.vendor_quotes),
                               upload=form, failure=failure), 422
    db.session.commit()
    flash(f"Imported the codes of {count} reviewed verbatims.", "info")
    return _to_frame(study)
