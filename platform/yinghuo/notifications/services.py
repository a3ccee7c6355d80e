"""Notifications: every message lands in the in-app inbox; other channels (email when
SMTP is configured, SMS gateways from plugins) deliver it by a job after commit.

A channel is any object with ``name`` and ``send(member, account, notification, text)``;
plugins contribute channels through ``yinghuo_notification_channels``.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..db.base import utcnow
from ..db.context import current_tenant_id
from ..db.rows import insert_row
from ..errors import NotFound
from ..extensions import db
from ..jobs import enqueue
from ..mail import send_mail
from ..people.models import Account, Member
from ..tenancy.context import current_tenant
from ..tenancy.models import Tenant
from .models import Notification

#: kind -> (title, body) message ids; translated when read (zh-CN catalog)
MESSAGES = {
    "signup_confirmed": ("Signed up", "You have a place at %(activity)s on %(when)s."),
    "signup_waitlisted": ("On the waitlist", "%(activity)s is full; you are number %(position)s on the waitlist."),
    "signup_promoted": ("You have a place", "A place at %(activity)s on %(when)s opened up and is now yours."),
    "signup_cancelled": ("Sign-up cancelled", "Your sign-up for %(activity)s is cancelled."),
    "activity_cancelled": ("Activity cancelled", "%(activity)s on %(when)s is cancelled: %(reason)s"),
    "hours_approved": ("Hours approved", "%(hours)s hours for %(content)s were approved."),
    "hours_rejected": ("Hours not approved", "%(hours)s hours for %(content)s were not approved: %(reason)s"),
    "activity_message": ("About %(activity)s", "%(text)s"),
    "activity_reminder": ("Tomorrow: %(activity)s", "%(activity)s starts %(when)s at %(place)s. See you there!"),
    "registration_attempt": ("Someone tried to register with your login",
                             "Someone tried to register at %(tenant)s with your e-mail or phone. If it was you, "
                             "sign in with the password you have and join: %(link)s . If it was not, nothing "
                             "has changed and you need do nothing."),
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def render(notification: Notification) -> Rendered:
    """The message in the current locale (plugin kinds carry their own title/body params)."""
    title, body = MESSAGES.get(notification.kind, (notification.params.get("title", notification.kind),
                                                   notification.params.get("body", "")))
    params = {k: v for k, v in (notification.params or {}).items()}
    return Rendered(_(title, **params) if params else _(title), _(body, **params) if params else _(body))


def notify(member_id: int, kind: str, link: str | None = None, **params) -> Notification:
    """Put a message in the person's inbox and queue delivery on the other channels."""
    row = insert_row(Notification, tenant_id=current_tenant_id(), member_id=member_id, kind=kind, params=params,
                     link=link, read_at=None)
    for channel in channels(row.tenant_id):
        enqueue("yinghuo.notifications.services.deliver", tenant_id=row.tenant_id,
                job_id=f"notify-{row.id}-{channel.name}", notification_id=row.id, channel=channel.name)
    return row


def text_phone(phone: str, title: str, body: str) -> str:
    """A short message (a code) to a phone number that may belong to no one here yet. A member
    of the tenant with that phone gets it in the inbox (and on every channel, as any message);
    else each channel that can text a bare number (``send_to_phone(phone, text)``) sends it
    by a job after the commit; with none, it is written to the log, where the quick start's
    operator reads it. Says which: "inbox", "sms" or "log"."""
    member_id = db.session.scalar(select(Member.id).where(Member.phone == phone, Member.status == "active").limit(1))
    if member_id is not None:
        notify(member_id, "text", title=title, body=body)
        return "inbox"
    return _text_bare_phone(phone, title, body)


def _text_bare_phone(phone: str, title: str, body: str) -> str:
    """Text a number on each channel that can ("sms"), or write it to the log ("log")."""
    import logging
    from ..people.masking import mask_phone
    senders = [c for c in channels(current_tenant_id()) if hasattr(c, "send_to_phone")]
    for channel in senders:
        enqueue("yinghuo.notifications.services.deliver_text", tenant_id=current_tenant_id(), channel=channel.name,
                phone=phone, text=f"{title}：{body}")
    if not senders:
        logging.getLogger("yinghuo.texts").warning("text to %s (no SMS channel): %s: %s", mask_phone(phone), title, body)
        return "log"
    return "sms"


def tell_account(tenant_id: int, account_id: int, kind: str, **params) -> str:
    """Job: a message to the owner of a login, who may be no member of the tenant: in their
    inbox if they are a member; else by e-mail when the platform sends mail and the login has
    an address; else a text to the login's phone (a plugin's SMS channel, or the log).
    Says which: "inbox", "email", "sms" or "log"."""
    account = db.session.get(Account, account_id)
    member_id = db.session.scalar(select(Member.id).where(Member.account_id == account.id))
    if member_id is not None:
        notify(member_id, kind, **params)
        return "inbox"
    title, body = MESSAGES[kind]
    with force_locale("zh_Hans_CN"):
        title, body = _(title, **params), _(body, **params)
    if current_app.config.get("YINGHUO_SMTP_URL") and account.email:
        enqueue("yinghuo.notifications.services.mail_account", tenant_id=current_tenant_id(),
                account_id=account.id, subject=title, body=body)
        return "email"
    return _text_bare_phone(account.phone or account.email or "-", title, body)


def mail_account(tenant_id: int, account_id: int, subject: str, body: str) -> bool:
    """Job: e-mail a login's owner."""
    account = db.session.get(Account, account_id)
    url = current_app.config.get("YINGHUO_SMTP_URL")
    if account is None or not account.email or not url:
        return False
    send_mail(url, account.email, subject, body)
    return True


def deliver_text(tenant_id: int, channel: str, phone: str, text: str) -> bool:
    """Job: text a bare phone number on one channel."""
    target = next((c for c in channels(tenant_id) if c.name == channel), None)
    return bool(target and target.send_to_phone(phone, text))


def channels(tenant_id: int) -> list:
    """Delivery channels besides the inbox: email when SMTP is set, plus the channels of the
    plugins enabled for this tenant."""
    found = []
    if current_app.config.get("YINGHUO_SMTP_URL"):
        found.append(EmailChannel(current_app.config["YINGHUO_SMTP_URL"],
                                  current_app.config.get("YINGHUO_MAIL_FROM") or "noreply@yinghuo.local"))
    tenant = current_tenant()  # the request's (or the job's) tenant: no lookup
    if tenant is None or tenant.id != tenant_id:
        tenant = db.session.get(Tenant, tenant_id)
    hooks = current_app.extensions["yinghuo"].host.hooks_for(tenant)
    for items in hooks.yinghuo_notification_channels(tenant=tenant):
        found.extend(items or [])
    return found


def deliver(tenant_id: int, notification_id: int, channel: str) -> bool:
    """Job: send one inbox message on one channel (in Chinese, the platform's first language)."""
    row = db.session.get(Notification, (tenant_id, notification_id))
    target = next((c for c in channels(tenant_id) if c.name == channel), None)
    if row is None or target is None:
        return False
    member = db.session.get(Member, (tenant_id, row.member_id))
    account = db.session.get(Account, member.account_id) if member.account_id else None
    with force_locale("zh_Hans_CN"):
        return bool(target.send(member, account, row, render(row)))


class EmailChannel:
    name = "email"

    def __init__(self, url: str, sender: str):
        self.url, self.sender = urlsplit(url), sender

    def send(self, member, account, notification, text: Rendered) -> bool:
        if account is None or not account.email:
            return False
        send_mail(self.url.geturl(), account.email, text.title, f"{member.name}：\n\n{text.body}\n")
        return True


def inbox(member_id: int, limit: int = 50) -> tuple[list[Notification], int]:
    rows = db.session.scalars(select(Notification).where(Notification.member_id == member_id)
                              .order_by(Notification.read_at.is_not(None), Notification.id.desc()).limit(limit)).all()
    unread = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.member_id == member_id, Notification.read_at.is_(None)))
    return list(rows), unread


def unread_count(member_id: int) -> int:
    """How many of the person's messages are unread (the menu's badge)."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.member_id == member_id, Notification.read_at.is_(None)))


def mark_read(member_id: int, notification_id: int | None = None) -> int:
    """Mark one message (or all) read; only the person's own messages."""
    stmt = update(Notification).where(Notification.member_id == member_id, Notification.read_at.is_(None))
    if notification_id is not None:
        if db.session.scalar(select(Notification.id).where(Notification.id == notification_id,
                                                           Notification.member_id == member_id)) is None:
            raise NotFound("no such message")
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
