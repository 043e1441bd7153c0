"""Action plans in the workspace: one-click drafts, editing, lists, deletion, access control,
export, the report's "What we agreed to do", and verdicts tracked across two waves."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import pandas as pd
import pytest
import sqlalchemy as sa

from vocgap.actions.plans import Finding, create_action
from vocgap.cli import main
from vocgap.extensions import db
from vocgap.models import Action, Participant

from .action_data import two_waves
from .factories import gen_account, gen_customer
from .helpers import csrf_from


@pytest.fixture
def globex(app, instrument):
    return two_waves(instrument)


def base(data) -> str:
    return f"/consultant/studies/{data.study.id}"


def draft_form(html: str, finding: str) -> tuple[str, str]:
    """(action URL, CSRF token) of the "Add action" button for ``finding`` on a page."""
    for form in re.findall(r'<form method="post" class="inline-form add-action".*?</form>', html,
                           re.S):
        if f'name="finding" type="hidden" value="{finding}"' in form:
            return re.search(r'action="([^"]+)"', form).group(1), csrf_from(form)
    raise AssertionError(f"no Add action button for {finding}")


def selected(html: str, value: str) -> bool:
    """Is the option of this value the selected one?"""
    return any("selected" in option for option in re.findall(
        rf'<option[^>]*value="{re.escape(value)}"[^>]*>', html))


def analysis_page(client, data) -> str:
    response = client.get(f"{base(data)}/analysis/accounts/{data.account.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_one_click_on_a_finding_creates_a_draft_action(auth, globex):
    """Does one click on "Add action" beside trust create a draft titled from the finding, in
    the current wave, by the signed-in consultant, and open it for editing?"""
    client = auth()
    page = analysis_page(client, globex)
    url, token = draft_form(page, "dimension:trust")
    draft_form(page, f"contact:{globex.executive.id}")
    draft_form(page, "stage")
    draft_form(page, "item:trust_right_thing")
    response = client.post(url, data={"csrf_token": token, "finding": "dimension:trust"})
    assert response.status_code == 302
    action = db.session.scalar(sa.select(Action))
    assert response.headers["Location"].endswith(f"/actions/{action.id}/edit")
    assert action.title == "Close the gap on trust with Globex"
    assert (action.finding, action.unit, action.wave.number) == ("dimension", "trust", 2)
    assert action.created_by.email == "consultant@test.example"
    assert action.status == "planned"


def test_a_draft_needs_a_valid_token_and_a_finding_of_this_study(auth, globex):
    client = auth()
    url, token = draft_form(analysis_page(client, globex), "dimension:trust")
    assert client.post(url, data={"finding": "dimension:trust"}).status_code == 400
    assert client.post(url, data={"csrf_token": token, "finding": "dimension:nonsense"}
                       ).status_code == 422
    other = gen_account(globex.study, "Initech")
    stranger, _ = gen_customer(globex.study, other, "Sam Stranger")
    assert client.post(url, data={"csrf_token": token, "finding": f"contact:{stranger.id}"}
                       ).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Action.id))) == 0


def test_an_action_is_edited_and_deleted_after_confirmation(auth, globex):
    client = auth()
    action = create_action(globex.study, globex.account, Finding("stage"), user=None)
    db.session.commit()
    edit = f"{base(globex)}/actions/{action.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert selected(page, "stage")
    response = client.post(edit, data={
        "csrf_token": csrf_from(page), "title": "Joint plan for next year",
        "finding": f"contact:{globex.executive.id}", "owner": "dana@vendor.test",
        "due_on": "2026-12-31", "status": "in_progress", "notes": "Agreed at the debrief."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (action.title, action.finding, action.contact_id, action.owner, action.due_on,
            action.status) == ("Joint plan for next year", "contact", globex.executive.id,
                               "dana@vendor.test", date(2026, 12, 31), "in_progress")
    bad = client.post(edit, data={"csrf_token": csrf_from(page), "title": "",
                                  "finding": "stage", "status": "done"})
    assert bad.status_code == 422 and "Joint plan for next year" in client.get(edit).get_data(
        as_text=True)
    action_id = action.id
    delete = f"{base(globex)}/actions/{action_id}/delete"
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "Delete this action?" in confirm.get_data(as_text=True)
    assert db.session.get(Action, action_id) is not None  # asking deletes nothing
    response = client.post(delete, data={"csrf_token": csrf_from(confirm.get_data(as_text=True))})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action_id) is None


def test_the_new_action_form_is_prefilled_from_the_finding(auth, globex):
    """Links from elsewhere (alerts) open the form with the finding chosen and a title."""
    client = auth()
    url = f"{base(globex)}/accounts/{globex.account.id}/actions/new"
    page = client.get(f"{url}?finding=contact:{globex.executive.id}").get_data(as_text=True)
    assert selected(page, f"contact:{globex.executive.id}")
    assert "Strengthen the relationship with Erin Exec" in page
    response = client.post(url, data={"csrf_token": csrf_from(page), "title": "Call Erin",
                                      "finding": f"contact:{globex.executive.id}",
                                      "status": "planned"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Action.title)) == "Call Erin"


def test_lists_put_overdue_actions_first_and_filter_by_status(auth, globex):
    client = auth()
    today = date.today()
    for title, due, status in (("Later", today + timedelta(days=30), "planned"),
                               ("Finished", today - timedelta(days=40), "done"),
                               ("Late", today - timedelta(days=3), "in_progress"),
                               ("Undated", None, "planned"),
                               ("<img src=x onerror=alert(1)>", None, "dropped")):
        create_action(globex.study, globex.account, Finding("stage"), user=None, title=title,
                      due_on=due, status=status)
    db.session.commit()
    page = client.get(f"{base(globex)}/actions/").get_data(as_text=True)
    order = [page.index(t) for t in ("Late", "Later", "Undated", "Finished")]
    assert order == sorted(order)
    assert page.count("Overdue</strong>") == 1
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    done = client.get(f"{base(globex)}/actions/?status=done").get_data(as_text=True)
    assert "Finished" in done and "Later" not in done
    mine = client.get(f"{base(globex)}/accounts/{globex.account.id}/actions/")
    assert mine.status_code == 200 and "Undated" in mine.get_data(as_text=True)


def test_another_consultants_study_actions_are_out_of_reach(app, auth, instrument, globex):
    """Can a consultant who is not a member see, edit, draft or delete another study's actions?
    Every action route answers 404 and nothing changes."""
    theirs = two_waves(instrument, member="owner@test.example", short_name="theirs")
    action = create_action(theirs.study, theirs.account, Finding("stage"), user=None,
                           title="Their secret plan")
    db.session.commit()
    client = auth()
    csrf = csrf_from(client.get(f"{base(globex)}/").get_data(as_text=True))
    urls = [("GET", f"{base(theirs)}/actions/"), ("GET", f"{base(theirs)}/actions.csv"),
            ("GET", f"{base(theirs)}/accounts/{theirs.account.id}/actions/"),
            ("GET", f"{base(theirs)}/actions/{action.id}/edit"),
            ("POST", f"{base(theirs)}/actions/{action.id}/edit"),
            ("GET", f"{base(theirs)}/actions/{action.id}/delete"),
            ("POST", f"{base(theirs)}/actions/{action.id}/delete"),
            ("POST", f"{base(theirs)}/accounts/{theirs.account.id}/actions/draft"),
            ("POST", f"{base(theirs)}/accounts/{theirs.account.id}/actions/new"),
            # Their action through my study's URLs: not found either.
            ("GET", f"{base(globex)}/actions/{action.id}/edit"),
            ("POST", f"{base(globex)}/actions/{action.id}/delete")]
    for method, url in urls:
        response = client.open(url, method=method, data={
            "csrf_token": csrf, "title": "Changed", "finding": "stage", "status": "done"})
        assert response.status_code == 404, (method, url)
        assert b"Their secret plan" not in response.data
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Action.id))) == 1
    assert db.session.get(Action, action.id).title == "Their secret plan"
    assert auth("owner@test.example").get(f"{base(theirs)}/actions/").status_code == 200


def wave_one_actions(data) -> dict[str, Action]:
    first = data.study.waves[0]
    actions = {
        "trust": create_action(data.study, data.account, Finding("dimension", unit="trust"),
                               user=None, wave=first, title="Keep our promises"),
        "contact": create_action(data.study, data.account,
                                 Finding("contact", contact_id=data.executive.id), user=None,
                                 wave=first, title="Win back Erin Exec", notes="Erin is upset"),
        "stage": create_action(data.study, data.account, Finding("stage"), user=None,
                               wave=first, title="Agree where we stand"),
        "new": create_action(data.study, data.account, Finding("dimension", unit="trust"),
                             user=None, title="Newly agreed")}
    db.session.commit()
    return actions


def verdict_cells(html: str) -> dict[str, str]:
    """Action title → the text of its "Did it work?" cell on a list page."""
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(cells) >= 6:
            title = re.sub(r"<[^>]+>", "", cells[0]).split(" (wave")[0].strip()
            out[title] = " ".join(unescape(re.sub(r"<[^>]+>", " ", cells[5])).split())
    return out


def test_actions_from_wave_one_are_judged_in_wave_two(auth, globex):
    """Tracking across two waves: trust rose 2.5 → 4.5 (Welch 95% interval of the change
    1.00 to 3.00, computed in test_action_verdicts), the customers' stage rose (exact test),
    Erin now calls themselves a champion; an action agreed in wave 2 waits for wave 3."""
    wave_one_actions(globex)
    client = auth()
    html = client.get(f"{base(globex)}/accounts/{globex.account.id}/actions/").get_data(
        as_text=True)
    cells = verdict_cells(html)
    assert cells["Keep our promises"].startswith("Improved (so far: wave 2 is still open)")
    assert "Customers' score: 2.50 → 4.50 (change +2.00, 95% CI +1.00 to +3.00); n 4 → 4" in \
        cells["Keep our promises"]
    assert "customers' score rose beyond its 95% interval" in cells["Keep our promises"]
    assert cells["Agree where we stand"].startswith("Improved")
    assert "Customers' stage: Exploratory → Collaborative" in cells["Agree where we stand"]
    assert "p = .029" in cells["Agree where we stand"]
    assert cells["Win back Erin Exec"].startswith("Improved")
    assert "The contact says: blocker → champion" in cells["Win back Erin Exec"]
    assert cells["Newly agreed"] == "Cannot tell yet measured again in the next wave."
    account_page = analysis_page(client, globex)
    assert "What we agreed to do" in account_page
    assert verdict_cells(account_page)["Keep our promises"].startswith("Improved")


def test_vendor_edition_names_no_contact_and_gives_no_contact_verdict(auth, globex):
    """Vendor edition: an action about Erin shows "a customer contact", her name is taken out
    of the title, her own stance (then or now) and the consultant's notes appear nowhere."""
    wave_one_actions(globex)
    client = auth()
    url = f"{base(globex)}/reports/accounts/{globex.account.id}.html"
    vendor = client.get(url + "?edition=vendor").get_data(as_text=True)
    section = vendor[vendor.index("What we agreed to do"):vendor.index("Appendix")]
    assert "Win back a customer contact" in section
    assert "A customer contact (named in the consultant edition only)" in section
    assert "Not shown in this edition" in section
    assert "Erin" not in vendor
    assert "blocker" not in section and "Erin is upset" not in section
    assert "Keep our promises" in section and "Improved" in section
    consultant = client.get(url).get_data(as_text=True)
    section = consultant[consultant.index("What we agreed to do"):consultant.index("Appendix")]
    assert "Power-map contact: Erin Exec" in section and "Win back Erin Exec" in section
    assert "blocker → champion" in section


def test_vendor_edition_verdicts_respect_the_confidentiality_minimum(auth, instrument, app):
    """With a minimum of five, Globex's four customers are withheld from the vendor: the
    verdict cannot be told there, while the consultant edition gives it."""
    data = two_waves(instrument)
    data.study.min_group = 5
    db.session.commit()
    wave_one_actions(data)
    client = auth()
    url = f"{base(data)}/reports/accounts/{data.account.id}.html"
    vendor = client.get(url + "?edition=vendor").get_data(as_text=True)
    section = vendor[vendor.index("What we agreed to do"):vendor.index("Appendix")]
    assert "Improved" not in section and "2.50" not in section
    assert "fewer than 5 answers behind a figure: confidential" in section
    assert "Improved" in client.get(url).get_data(as_text=True)


def test_the_pdf_report_has_the_section(app, globex):
    """The account PDF (rendered as in a batch) carries "What we agreed to do" and a verdict."""
    from pypdf import PdfReader

    from vocgap.reporting.render import account_pdf
    from vocgap.reporting.study_reports import study_report_data

    wave_one_actions(globex)
    data, meta = study_report_data(globex.study, workers=1)
    pdf = account_pdf(meta, data["accounts"][0])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "What we agreed to do" in text and "Keep our promises" in text
    assert "Improved" in text


def test_actions_are_exported_with_the_data(app, auth, runner, globex):
    """XLSX export: an actions sheet; actions.csv and `vocgap export --what actions`: the same
    rows, formulas neutralised."""
    actions = wave_one_actions(globex)
    actions["trust"].title = "=HYPERLINK(\"http://evil.test\")"
    db.session.commit()
    client = auth()
    xlsx = client.get(f"{base(globex)}/export.xlsx")
    sheets = pd.read_excel(io.BytesIO(xlsx.data), sheet_name=None, engine="openpyxl")
    assert {"responses", "actions", "action_columns"} <= set(sheets)
    frame = sheets["actions"].set_index("action_id")
    assert frame.loc[actions["trust"].id, "title"].startswith("'=HYPERLINK")
    assert frame.loc[actions["trust"].id, "verdict"] == "improved"
    assert frame.loc[actions["new"].id, "verdict"] == "cannot_tell_yet"
    assert "about_contact" not in frame  # names only with --identify
    csv = client.get(f"{base(globex)}/actions.csv")
    assert csv.status_code == 200 and b"'=HYPERLINK" in csv.data
    result = runner.invoke(main, ["export", "--study", "acme", "--what", "actions",
                                  "--identify"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(io.StringIO(result.output))
    assert len(rows) == 4 and "Erin Exec" in set(rows["about_contact"].dropna())


def test_erasing_a_contact_keeps_the_action(app, globex):
    """Deleting a person an action is about (erasure) leaves the action, about nobody."""
    person, _ = gen_customer(globex.study, globex.account, "Quinn Quiet")
    action = create_action(globex.study, globex.account,
                           Finding("contact", contact_id=person.id), user=None)
    db.session.commit()
    db.session.delete(db.session.get(Participant, person.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Action, action.id).contact_id is None


def test_the_demo_has_three_wave_one_actions_with_three_different_verdicts(app):
    """Done when: three demo actions from wave 1 have verdicts in wave 2, and they differ —
    Altamira's partnership improved, Castellan's executive still a blocker, Iverson & Pike
    Legal too thin to tell."""
    from vocgap.actions.plans import study_actions
    from vocgap.actions.tracking import action_rows
    from vocgap.demo import build_demo

    study, _ = build_demo(str(app.config["SURVEYS_DIR"]))
    rows = action_rows(study, study_actions(study))
    assert len(rows) == 3 and {r["wave"] for r in rows} == {1}
    found = {r["account"]: (r["verdict"]["verdict"], r["verdict"]["reason"]) for r in rows}
    assert found == {
        "Altamira Foods": ("improved", "customer_score_rose"),
        "Castellan Insurance": ("no_detectable_change", "stance_same"),
        "Iverson & Pike Legal": ("cannot_tell_yet", "too_few_answers")}
