"""Alert delivery: the submit path raises them, consultants are e-mailed, and account owners get
de-identified notices that follow the vendor edition's confidentiality rules."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.alerts_data import submit, trust_answers
from tests.factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from tests.helpers import csrf_from, customer_answers, fill_everything, open_survey
from vocgap.alerts import after_submit
from vocgap.alerts.owner import owner_digest
from vocgap.extensions import db
from vocgap.models import Alert, AlertSettings, Answer, OwnerNotice

SECRET_VERBATIM = "Honestly I am drafting the termination letter this week"


@pytest.fixture
def study(app, instrument):
    study = gen_study(instrument, "owners")
    db.session.add(AlertSettings(study_id=study.id, notify_owners=True, email_consultants=True))
    db.session.commit()
    gen_user(study=study)
    return study


@pytest.fixture
def account(study):
    return gen_account(study, "Globex", owner_email="owner@vendor.test")


def outbox(app, to: str) -> list[str]:
    """Every message to ``to`` as its plain text and HTML bodies joined, oldest first."""
    out = []
    files = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"),
                   key=lambda p: p.stat().st_mtime_ns)
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            bodies = [part.get_content() for part in message.walk()
                      if part.get_content_type() in ("text/plain", "text/html")]
            out.append(message["Subject"] + "\n" + "\n".join(bodies))
    return out


def customer(study, account, name, role="executive", quartet="business_buyer", recommend=8,
             extra=None):
    person, _ = gen_customer(study, account, name, role=role, quartet=quartet)
    response = submit(study.current_wave, person, account, {"recommend": recommend,
                                                            **(extra or {})})
    response.answers.append(Answer(item_id="one_thing", value_text=SECRET_VERBATIM))
    db.session.commit()
    after_submit(response.id)
    return person, response


def test_a_web_submission_raises_its_alert(app, client, study, account):
    """Does submitting the survey in the browser evaluate the rules (the submit hook)?"""
    _, token = gen_customer(study, account)
    open_survey(client, token)
    fill_everything(client, account, customer_answers)  # recommend: the fourth option, 3
    review = client.get(f"/survey/a/{account.id}/review").get_data(as_text=True)
    done = client.post(f"/survey/a/{account.id}/review", data={"csrf_token": csrf_from(review)})
    assert done.status_code == 302
    assert [a.rule for a in db.session.scalars(sa.select(Alert))] == ["detractor"]
    # The consultant's e-mail goes once the respondent's page has been sent, not before.
    assert outbox(app, "consultant@test.example") == []
    done.close()
    assert len(outbox(app, "consultant@test.example")) == 1


def test_a_failing_alert_never_fails_the_submission(app, client, study, account, monkeypatch):
    """If evaluating alerts breaks, is the response still submitted and the respondent thanked?"""
    def broken(_response_id):
        raise RuntimeError("rules exploded")

    monkeypatch.setattr("vocgap.alerts.evaluate_response", broken)
    _, token = gen_customer(study, account)
    open_survey(client, token)
    fill_everything(client, account, customer_answers)
    review = client.get(f"/survey/a/{account.id}/review").get_data(as_text=True)
    done = client.post(f"/survey/a/{account.id}/review", data={"csrf_token": csrf_from(review)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/thanks")
    assert db.session.scalar(sa.text("SELECT status FROM response")) == "submitted"


def test_consultants_are_emailed_without_the_respondents_name(app, study, account):
    """Does the consultant e-mail list the alert and link to the inbox, naming nobody?"""
    customer(study, account, "Zelda Quintessa", recommend=2)
    [message] = outbox(app, "consultant@test.example")
    assert "Globex: Detractor (would not recommend): likelihood to recommend" in message
    assert f"/consultant/studies/{study.id}/alerts/" in message
    assert "Zelda" not in message and SECRET_VERBATIM not in message
    assert db.session.scalar(sa.select(Alert)).emailed_at is not None


def test_no_owner_notice_while_fewer_than_min_group_customers_answered(app, study, account):
    """A single detractor in an account of two customer respondents: nothing reaches the
    owner (the vendor edition would show counts only)."""
    customer(study, account, "Zelda Quintessa", recommend=1)
    customer(study, account, "Yannick Oberholzer", role="purchasing", recommend=9)
    assert outbox(app, "owner@vendor.test") == []
    assert db.session.scalar(sa.select(sa.func.count(OwnerNotice.id))) == 0


def test_the_owner_notice_names_no_one_and_gives_no_time(app, study, account):
    """Read by a suspicious, clever person: once three answered, does the owner's message say
    only that a detractor is among them — no name, e-mail, role, quartet, verbatim, score or
    time of day?"""
    people = [customer(study, account, "Zelda Quintessa", recommend=1)[0],
              customer(study, account, "Yannick Oberholzer", role="purchasing",
                       quartet="tech_buyer", recommend=9)[0],
              customer(study, account, "Xavier Nightingale", role="operational_user",
                       quartet="tech_user", recommend=10)[0]]
    [message] = outbox(app, "owner@vendor.test")
    assert "Globex" in message and "unlikely to recommend" in message
    forbidden = [p.name for p in people] + [p.name.split()[0] for p in people] + [
        p.email for p in people] + ["Executive", "Purchasing", "Operational", "Business buyer",
                                    "Tech buyer", "Tech user", SECRET_VERBATIM, "termination"]
    for text in forbidden:
        assert text.lower() not in message.lower(), text
    assert not re.search(r"\b\d{1,2}:\d{2}\b", message), "a time of day"
    assert not re.search(r"\b1 (of|out of) 10\b|scored", message), "an individual score"


def test_two_notices_in_a_row_never_single_out_one_person(app, study, account):
    """Differencing: after the first notice, one more detractor does not trigger a second
    message (that would point at the one person in between); three more do."""
    for k, name in enumerate(["Ann A", "Ben B", "Cai C"]):
        customer(study, account, name, recommend=9 if k else 2)
    assert len(outbox(app, "owner@vendor.test")) == 1
    customer(study, account, "Dan D", recommend=0)
    customer(study, account, "Eve E", recommend=10)
    assert len(outbox(app, "owner@vendor.test")) == 1
    customer(study, account, "Fay F", recommend=10)
    second = outbox(app, "owner@vendor.test")[1]
    assert "since our last message" in second and "unlikely to recommend" in second
    assert "6 customer contacts" in second


def test_a_quiet_group_still_counts_so_the_next_signal_needs_a_full_group(app, study, account):
    """Three promoters (no message, but the group is spent), then a detractor: still no
    message, since it would be the only new answer."""
    for name in ["Ann A", "Ben B", "Cai C"]:
        customer(study, account, name, recommend=10)
    assert outbox(app, "owner@vendor.test") == []
    assert db.session.scalar(sa.select(OwnerNotice.status)) == "quiet"
    customer(study, account, "Dan D", recommend=0)
    assert outbox(app, "owner@vendor.test") == []


def test_owner_notices_need_the_studys_permission_and_an_owner(app, study, account):
    """With owner notices off, or no owner e-mail on the account, nothing is sent to owners."""
    db.session.get(AlertSettings, study.id).notify_owners = False
    db.session.commit()
    for name in ["Ann A", "Ben B", "Cai C"]:
        customer(study, account, name, recommend=1)
    assert outbox(app, "owner@vendor.test") == []


def test_a_false_champion_is_kept_from_the_owner_when_few_supporters_answered(app, study,
                                                                             account):
    """The owner knows whom their team rated a supporter: with one such contact among those
    who answered, a false-champion line would point at them, so it is left out."""
    staff, _ = gen_vendor(study, [account])
    blocker, _ = gen_customer(study, account, "Bo Blocker")
    submit(study.current_wave, staff, account, trust_answers(4),
           power_map={blocker.id: (5, 5)})
    own = submit(study.current_wave, blocker, account,
                 {"stance_support": 1, "stance_influence": 5, "recommend": 9})
    after_submit(own.id)
    customer(study, account, "Ann A", recommend=2)
    customer(study, account, "Ben B", recommend=9)
    [message] = outbox(app, "owner@vendor.test")
    assert "unlikely to recommend" in message
    assert "supporter" not in message
    pending = db.session.scalar(sa.select(Alert).where(Alert.rule == "false_champion"))
    assert pending.owner_notice_id is None


def test_owner_digest_discloses_false_champions_only_among_enough_supporters():
    """The pure disclosure rule: a false champion among three described supporters is said."""
    names = {"trust": "Trust", "value": "Value"}
    alerts = [(1, "false_champion", ""), (2, "below_prediction", "value"),
              (3, "below_prediction", "trust")]
    few = owner_digest(alerts, respondents=3, covered=0, min_group=3, supporters=2,
                       dimension_names=names)
    assert (few.false_champion, few.dimensions, few.disclosed) == (
        False, ["Trust", "Value"], [2, 3])
    enough = owner_digest(alerts, respondents=3, covered=0, min_group=3, supporters=3,
                          dimension_names=names)
    assert enough.false_champion and enough.disclosed == [1, 2, 3]
    assert owner_digest(alerts, respondents=5, covered=3, min_group=3, supporters=3,
                        dimension_names=names) is None


def test_an_owner_notice_that_fails_to_send_is_tried_again(app, study, account, monkeypatch):
    """SMTP down when the group completes: nothing is marked as told, and the next
    evaluation sends the notice."""
    from vocgap.alerts import evaluate_and_deliver
    from vocgap.collection.mail import Mailer

    real = Mailer.send

    def down(self, message):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(Mailer, "send", down)
    for name, score in (("Ann A", 2), ("Ben B", 9), ("Cai C", 9)):
        customer(study, account, name, recommend=score)
    assert db.session.scalar(sa.select(sa.func.count(OwnerNotice.id))) == 0
    monkeypatch.setattr(Mailer, "send", real)
    evaluate_and_deliver(study)
    assert len(outbox(app, "owner@vendor.test")) == 1
    assert db.session.scalar(sa.select(Alert).where(Alert.rule == "detractor")
                             ).owner_notice_id is not None


def test_a_group_claimed_by_a_parallel_submission_is_not_told_twice(app, study, account,
                                                                    monkeypatch):
    """Another request claims the group between our reading and our writing: we send nothing."""
    import vocgap.alerts.notify as notify

    settings = db.session.get(AlertSettings, study.id)
    settings.notify_owners = False
    db.session.commit()
    for name, score in (("Ann A", 2), ("Ben B", 9), ("Cai C", 9)):
        customer(study, account, name, recommend=score)
    real = notify.owner_digest

    def raced(*args, **kwargs):
        digest = real(*args, **kwargs)
        with db.engine.begin() as other:  # the parallel request, committed first
            other.execute(OwnerNotice.__table__.insert().values(
                wave_id=study.current_wave.id, account_id=account.id, respondents=3,
                status="sent", sent_at=db.func.now()))
        return digest

    monkeypatch.setattr(notify, "owner_digest", raced)
    assert notify.notify_owner(study, study.current_wave, account) is None
    db.session.commit()
    assert outbox(app, "owner@vendor.test") == []
    assert db.session.scalar(sa.select(sa.func.count(OwnerNotice.id))) == 1


def test_a_line_break_in_an_account_name_cannot_add_a_header(app, study):
    """An imported account name with a line break: one subject line, no extra header, sent."""
    account = gen_account(study, "Globex\r\nBcc: spy@evil.example", owner_email="o@vendor.test")
    for name, score in (("Ann A", 2), ("Ben B", 9), ("Cai C", 9)):
        customer(study, account, name, recommend=score)
    [path] = [p for p in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
              if b"o@vendor.test" in p.read_bytes()]
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == "Signals from the customer survey: Globex Bcc: spy@evil.example"
