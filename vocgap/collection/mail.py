"""Send e-mail through SMTP, or write it to a local outbox folder when no server is configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from pathlib import Path


class Mailer:
    """One connection for a batch of messages; the outbox when ``MAIL_SERVER`` is empty."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    @property
    def uses_outbox(self) -> bool:
        return not self.config.get("MAIL_SERVER")

    def __enter__(self) -> Mailer:
        if not self.uses_outbox:
            self.smtp = self._connect()
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                self.smtp.close()
            self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        host, port = cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25)
        if cfg.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=30,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=30)
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
        return smtp

    def compose(self, to: str, subject: str, text: str, html: str, *, sender_name: str = "",
                reply_to: str = "") -> EmailMessage:
        """One message; the study's sender name goes on the configured From address."""
        message = EmailMessage()
        configured_name, address = parseaddr(self.config["MAIL_FROM"])
        message["From"] = formataddr((" ".join(sender_name.split()) or configured_name, address))
        message["To"] = to
        if reply_to:
            message["Reply-To"] = reply_to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="vocgap.local")
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def send(self, message: EmailMessage) -> None:
        if self.uses_outbox:
            outbox = Path(self.config["MAIL_OUTBOX_DIR"])
            outbox.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_")
            (outbox / f"{name}.eml").write_bytes(bytes(message))
            return
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(message)

