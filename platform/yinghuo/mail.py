"""E-mail through the platform's SMTP server (``YINGHUO_SMTP_URL``), for the notification
channel and the kernel's own messages (reset links, notices to a login's owner)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app


def send_mail(url: str, to: str, subject: str, body: str) -> None:
    """One e-mail, its subject marked as the platform's."""
    parts = urlsplit(url)
    msg = EmailMessage()
    msg["From"] = current_app.config.get("YINGHUO_MAIL_FROM") or "noreply@yinghuo.local"
    msg["To"], msg["Subject"] = to, f"[萤火] {subject}"
    msg.set_content(body)
    smtp_cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_cls(parts.hostname, parts.port or 25, timeout=20) as smtp:
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(msg)
