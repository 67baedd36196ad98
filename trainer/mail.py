"""Outgoing e-mail: SMTP when configured, otherwise an .eml file in the instance outbox."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def outbox_path() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    # Header injection: EmailMessage refuses CR/LF in headers; strip them from user text anyway.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="formations-vff.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mimetype, content in attachments or []:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send_mail(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    """Send one message. Never logs the body: it may hold a personal link."""
    message = build_message(to, subject, text, html, attachments)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        _send_smtp(message)
    else:
        name = (
            f"{formatdate(usegmt=True)[5:25].replace(' ', '-').replace(':', '')}-{uuid.uuid4().hex[:12]}.eml"
        )
        (outbox_path() / name).write_bytes(bytes(message))
    log.info("mail sent: subject=%r", message["Subject"])
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=30)
    else:
        client = smtplib.SMTP(host, port, timeout=30)
    with client:
        if config.get("MAIL_USE_TLS"):
            client.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        client.send_message(message)
