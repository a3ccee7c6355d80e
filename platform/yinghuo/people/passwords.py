"""Passwords a person changes, and resets: by a link the person gets by email (when the
platform sends mail), or one an admin makes for someone without email to pass on by SMS or
WeChat. A link holds the account and a fingerprint of its current password hash, signed:
it works for 24 hours and only until the password changes, so it is used once."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..errors import Invalid
from ..extensions import db
from .auth import check_password, hash_password
from .models import Account

LINK_HOURS = 24


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="yinghuo-password-reset")


def _fingerprint(account: Account) -> str:
    return account.password_hash[-16:]


def reset_token(account: Account) -> str:
    return _signer().dumps({"a": account.id, "f": _fingerprint(account)})


def account_for(token: str) -> Account:
    """The account a reset link is for; 410-like refusals in words people read."""
    try:
        data = _signer().loads(token, max_age=LINK_HOURS * 3600)
    except SignatureExpired:
        raise Invalid("This reset link has expired; ask for a new one", fields={"token": ["expired"]}) from None
    except BadSignature:
        raise Invalid("This reset link is not valid", fields={"token": ["not valid"]}) from None
    account = db.session.get(Account, data.get("a"))
    if account is None or data.get("f") != _fingerprint(account):
        raise Invalid("This reset link was already used; ask for a new one", fields={"token": ["used"]})
    return account


def set_password(account: Account, new: str, repeat: str, *, action: str) -> None:
    if new != repeat:
        raise Invalid("The two new passwords differ", fields={"new_password": ["the two entries differ"]})
    account.password_hash = hash_password(new) if new else hash_password("")
    db.session.flush()
    audit.record(action, "account", account.id)


def change_password(account: Account, current: str, new: str, repeat: str) -> None:
    """A signed-in person's new password, once the current one is typed: a wrong one counts
    toward the account's lock, as at sign-in (a session left open is not a free guess)."""
    check_password(account, current, field="current_password")
    set_password(account, new, repeat, action="account.password")


def reset_password(token: str, new: str, repeat: str) -> Account:
    account = account_for(token)
    set_password(account, new, repeat, action="account.password.reset")
    return account


def send_reset_link(tenant_id: int, account_id: int, link: str) -> bool:
    """Job: email the reset link (only when the platform sends mail)."""
    from ..mail import send_mail
    url = current_app.config.get("YINGHUO_SMTP_URL")
    account = db.session.get(Account, account_id)
    if not url or account is None or not account.email:
        return False
    send_mail(url, account.email, "重设密码", f"请在 {LINK_HOURS} 小时内打开下面的链接设置新密码（只能使用一次）：\n\n{link}\n\n"
              "如果不是你本人操作，请忽略这封邮件。\n")
    return True
