"""E-mail through a real SMTP server on loopback; exports that spreadsheets cannot execute."""

from __future__ import annotations

import email
import io
import socket
from email import policy

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from vocgap.cli import main
from vocgap.collection.export import neutralise_formulas, tidy_responses, to_csv_bytes
from vocgap.collection.invitations import send_batch
from vocgap.collection.tokens import hash_token
from vocgap.extensions import db
from vocgap.models import Answer, Invitation, Participant, PowerMapRating, Response

from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .helpers import csrf_from


class Inbox:
    """aiosmtpd handler that keeps what arrives and refuses addresses starting with 'bounce'."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("bounce"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_FROM="Research team <research@vocgap.example>")
    yield inbox
    controller.stop()


@pytest.fixture
def study(app, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    gen_customer(study, globex, "Ann Exec")
    gen_customer(study, globex, "Bob Bounce").__getitem__(0).email = "bounce@customer.test"
    gen_vendor(study, [globex], "Vic Vendor")
    db.session.commit()
    return study


def token_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    link = next(w for w in text.split() if "/s/" in w)
    assert link.startswith("https://surveys.example.test/s/")
    return link.rsplit("/", 1)[1]


def test_invitations_arrive_with_working_links(smtp, study):
    """Do invitations reach a real SMTP server, plain and HTML, with each person's own link?"""
    result = send_batch(study, "invitation")
    assert sorted(result.sent) == ["ann@customer.test", "vic@vendor.test"]
    assert result.failed[0][0] == "bounce@customer.test"
    assert {m["To"] for m in smtp.messages} == {"ann@customer.test", "vic@vendor.test"}
    for message in smtp.messages:
        assert message.get_body(("html",)) is not None
        person = db.session.scalar(sa.select(Participant).where(
            Participant.token_hash == hash_token(token_in(message))))
        assert person.email == message["To"]
    vendor_mail = next(m for m in smtp.messages if m["To"] == "vic@vendor.test")
    assert "Globex" in vendor_mail.get_body(("plain",)).get_content()
    statuses = {i.participant.email: i.status for i in db.session.scalars(sa.select(Invitation))}
    assert statuses == {"ann@customer.test": "sent", "vic@vendor.test": "sent",
                        "bounce@customer.test": "failed"}


def test_a_failed_batch_resumes_without_sending_twice(smtp, study):
    """After a failure part-way, does a re-run reach only those not yet reached?"""
    send_batch(study, "invitation")
    bounced = db.session.scalar(sa.select(Participant).where(
        Participant.email == "bounce@customer.test"))
    bounced.email = "fixed@customer.test"
    db.session.commit()
    smtp.messages.clear()
    result = send_batch(study, "invitation")
    assert result.sent == ["fixed@customer.test"]
    assert [m["To"] for m in smtp.messages] == ["fixed@customer.test"]
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 3


def test_reminders_skip_those_who_submitted(smtp, study):
    ann = db.session.scalar(sa.select(Participant).where(Participant.name == "Ann Exec"))
    db.session.add(Response(wave=study.current_wave, participant=ann, account=ann.account,
                            status="submitted"))
    db.session.commit()
    result = send_batch(study, "reminder")
    assert "ann@customer.test" not in result.sent
    assert "vic@vendor.test" in result.sent
    reminder = next(m for m in smtp.messages if m["To"] == "vic@vendor.test")
    assert reminder["Subject"].startswith("Reminder: ")


def test_links_never_come_from_the_request_host(app, auth, smtp, study):
    gen_user(study=study)
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"
    auth(client=client)
    confirm = client.get(f"/consultant/studies/{study.id}/send/invitation").get_data(as_text=True)
    assert "evil.example" not in confirm
    sent = client.post(f"/consultant/studies/{study.id}/send/invitation",
                       data={"csrf_token": csrf_from(confirm), "sides": "both", "expected": 3})
    assert sent.status_code == 302
    assert smtp.messages
    for message in smtp.messages:
        body = message.get_body(("plain",)).get_content()
        assert "evil.example" not in body
        token_in(message)


def test_outbox_is_used_without_a_server(app, study, tmp_path):
    app.config["MAIL_SERVER"] = ""
    result = send_batch(study, "invitation")
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == len(result.sent) == 3
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed.get_body(("plain",)) is not None


def test_cli_invite(app, study):
    app.config["MAIL_SERVER"] = ""
    result = app.test_cli_runner().invoke(main, ["invite", "--study", "acme"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 already done or not due" in result.output
    again = app.test_cli_runner().invoke(main, ["invite", "--study", "acme"])
    assert "0 sent" in again.output


def _answered(study):
    ann = db.session.scalar(sa.select(Participant).where(Participant.name == "Ann Exec"))
    vic = db.session.scalar(sa.select(Participant).where(Participant.name == "Vic Vendor"))
    wave = study.current_wave
    customer = Response(wave=wave, participant=ann, account=ann.account, status="submitted")
    customer.answers = [Answer(item_id="trust_right_thing", value_num=4.0),
                        Answer(item_id="one_thing", value_text="=HYPERLINK(\"http://x\")"),
                        Answer(item_id="relationship_stage", value_num=1.0, value_text="basic"),
                        Answer(item_id="trust_promises", dont_know=True)]
    vendor = Response(wave=wave, participant=vic, account=ann.account, status="submitted")
    vendor.answers = [Answer(item_id="trust_right_thing", value_num=5.0)]
    vendor.power_map = [PowerMapRating(contact=ann, support=5, influence=4)]
    draft = Response(wave=wave, participant=db.session.scalar(sa.select(Participant).where(
        Participant.name == "Bob Bounce")), account=ann.account)
    draft.answers = [Answer(item_id="trust_right_thing", value_num=1.0)]
    db.session.add_all([customer, vendor, draft])
    ann.account.name = "@SUM(1+1)"
    db.session.commit()
    return ann, vic


def test_tidy_export(study):
    ann, vic = _answered(study)
    frame = tidy_responses(study)
    assert len(frame) == 7  # 4 customer answers, 1 vendor answer, 2 power-map values
    assert "respondent" not in frame.columns
    stage = frame[frame["item"] == "relationship_stage"].iloc[0]
    assert (stage["value"], stage["value_label"], stage["dimension"]) == (1.0, "Basic", "")
    dk = frame[frame["item"] == "trust_promises"].iloc[0]
    assert bool(dk["dont_know"]) and dk["value_label"] == "Don't know / not applicable"
    pm = frame[frame["item"] == "power_map_support"].iloc[0]
    assert (pm["about_contact_id"], pm["value"], pm["side"]) == (ann.id, 5.0, "vendor")
    assert set(tidy_responses(study, identify=True)["respondent"]) == {"Ann Exec", "Vic Vendor"}
    assert len(tidy_responses(study, include_drafts=True)) == 8


def test_formulas_are_neutralised_in_csv_and_xlsx(app, study):
    """Can a hostile answer or account name run as a spreadsheet formula?"""
    _answered(study)
    text = to_csv_bytes(tidy_responses(study)).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text))
    assert set(frame["account"]) == {"'@SUM(1+1)"}
    assert "'=HYPERLINK(\"http://x\")" in set(frame["value_label"])
    cleaned = neutralise_formulas(pd.DataFrame({"x": ["-1+2", "+x", "\tcmd", "ok", None]}))
    assert cleaned["x"].tolist()[:4] == ["'-1+2", "'+x", "'\tcmd", "ok"]
    assert pd.isna(cleaned["x"].iloc[4])
    result = app.test_cli_runner().invoke(main, ["export", "--study", "acme", "--format", "xlsx",
                                                 "--out", str(app.config["REPORTS_DIR"])
                                                 + "/x.xlsx"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(app.config["REPORTS_DIR"] + "/x.xlsx")
    assert book.sheetnames == ["responses", "columns", "items", "wording", "actions",
                               "action_columns"]
    cells = [c.value for row in book["responses"].iter_rows() for c in row]
    assert "'@SUM(1+1)" in cells
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+")) for v in cells)
    items = {r[0].value: r for r in book["items"].iter_rows(min_row=2)}
    assert "trust_guarded" in items


def test_export_download_needs_membership(app, auth, study):
    gen_user(study=study)
    client = app.test_client()
    assert client.get(f"/consultant/studies/{study.id}/export.csv").status_code == 302
    auth(client=client)
    response = client.get(f"/consultant/studies/{study.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    xlsx = client.get(f"/consultant/studies/{study.id}/export.xlsx")
    assert xlsx.data[:2] == b"PK"
