"""Passwords (argon2), login with lockout, TOTP, bearer tokens."""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from importlib.resources import files

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import bindparam, or_, select, text

from ..db.base import utcnow
from ..db.rows import attach, columns_of, fetch
from ..errors import Forbidden, Invalid, Unauthorized
from ..extensions import db
from .models import Account, ApiToken, LoginThrottle

MAX_FAILURES = 5
LOCK_MINUTES = 15
_COMMON = None
_DUMMY: dict[str, str] = {}


def common_passwords() -> set[str]:
    global _COMMON
    if _COMMON is None:
        _COMMON = set(files("yinghuo.people").joinpath("passwords.txt").read_text().split())
    return _COMMON


def password_error(password: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password or "") < 8:
        return "at least 8 characters"
    if len(password) > 128:
        return "at most 128 characters"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return "must contain letters and digits"
    if password.lower() in common_passwords():
        return "too common; choose another"
    return None


def hash_password(password: str) -> str:
    error = password_error(password)
    if error:
        raise Invalid("Password is too weak", fields={"password": [error]})
    return _hasher().hash(password)


def _profile() -> str:
    """The deployment's argon2 profile (``YINGHUO_PASSWORD_PROFILE``); the default outside an app."""
    if has_app_context() and "yinghuo" in current_app.extensions:
        return current_app.extensions["yinghuo"].settings.password_profile
    return "RFC_9106_LOW_MEMORY"


@functools.cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def _hasher() -> PasswordHasher:
    return _hasher_for(_profile())


def _as_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def find_account(identifier: str) -> Account | None:
    identifier = (identifier or "").strip().lower()
    if not identifier:
        return None
    return db.session.scalar(select(Account).where(or_(Account.email == identifier,
                                                         Account.phone == identifier)))


def authenticate(identifier: str, password: str, otp: str | None = None) -> Account:
    """Check credentials; five failures lock the account for 15 minutes.

    The lock is the account's, whichever of its logins (e-mail or phone) is typed, and every
    path that checks a password counts toward it (:func:`check_password`). An identifier
    that names no account has a lock of its own and answers exactly as an account would.
    """
    account = find_account(identifier)
    if account is None:
        verify_password(_dummy_hash(), password)  # same work either way: no timing oracle
        _refuse_if_locked(_lock_key(None, identifier))
        _fail(_lock_key(None, identifier))
        raise Unauthorized("Wrong account or password", code="bad_credentials")
    check_password(account, password)
    key = _lock_key(account)
    if account.totp_secret and not pyotp.TOTP(account.totp_secret).verify(otp or "", valid_window=1):
        _fail(key)
        raise Unauthorized("A valid one-time code is required", code="otp_required",
                           fields={"otp": ["required" if not otp else "wrong code"]})
    _clear(key)
    return account


def check_password(account: Account, password: str, *, field: str | None = None) -> None:
    """Is ``password`` the account's? Refused while the account is locked, whatever was typed;
    a wrong one counts toward the lock and answers 401 (403 naming ``field`` on a signed-in
    person's form)."""
    key = _lock_key(account)
    _refuse_if_locked(key)
    if not verify_password(account.password_hash, password):
        _fail(key)
        if field is not None:  # a signed-in person's form: their sign-in stands
            raise Forbidden("The current password is wrong", code="bad_credentials", fields={field: ["wrong"]})
        raise Unauthorized("Wrong account or password", code="bad_credentials")


def _lock_key(account: Account | None, identifier: str = "") -> str:
    """The lock's row: ``a:<id>`` for an account, ``u:<what was typed>`` for no account (never
    the same string, so typing "a:5" cannot lock account 5)."""
    if account is not None:
        return f"a:{account.id}"
    return "u:" + (identifier or "").strip().lower()[:190]


def _refuse_if_locked(key: str) -> None:
    throttle = db.session.get(LoginThrottle, key)
    if throttle is not None and throttle.locked_until and _as_utc(throttle.locked_until) > utcnow():
        raise Unauthorized("Too many failed attempts; try again in 15 minutes", code="locked")


def verify_password(hash_: str, password: str) -> bool:
    try:
        return _hasher().verify(hash_, password or "")  # the hash carries its own parameters
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    """A hash made with the current parameters, so an unknown account costs what a known one does."""
    profile = _profile()
    if profile not in _DUMMY:
        _DUMMY[profile] = _hasher_for(profile).hash(secrets.token_hex(16))
    return _DUMMY[profile]


def _fail(key: str) -> None:
    """Count a failure and commit it, so it stands though the request fails. One statement
    adds it, so guesses sent in parallel are each counted."""
    from sqlalchemy import update
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = LoginThrottle.__table__
    failures = db.session.execute(
        insert(table).values(identifier=key, failures=1).on_conflict_do_update(
            index_elements=[table.c.identifier], set_={"failures": table.c.failures + 1})
        .returning(table.c.failures)).scalar_one()
    if failures >= MAX_FAILURES:
        db.session.execute(update(table).where(table.c.identifier == key).values(
            failures=0, locked_until=utcnow() + timedelta(minutes=LOCK_MINUTES)))
    db.session.commit()


def _clear(key: str) -> None:
    throttle = db.session.get(LoginThrottle, key)
    if throttle is not None and throttle.failures:
        throttle.failures, throttle.locked_until = 0, None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(account: Account, secret: str, issuer: str = "Yinghuo") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account.email or account.phone, issuer_name=issuer)


def confirm_totp(account: Account, secret: str, code: str) -> None:
    """Turn on the second factor with ``secret`` (base32, as new_totp_secret gives) once
    ``code`` from the authenticator matches it."""
    secret = (secret or "").strip().upper()
    try:
        if not re.fullmatch(r"[A-Z2-7]{16,64}", secret):
            raise ValueError(secret)
        matches = pyotp.TOTP(secret).verify(code or "", valid_window=1)
    except (ValueError, TypeError):
        raise Invalid("The key is not valid", fields={"secret": ["not a valid key"]}) from None
    if not matches:
        raise Invalid("The code does not match", fields={"code": ["wrong code"]})
    account.totp_secret = secret


def issue_token(account: Account, tenant_id: int | None) -> str:
    """Return a new bearer token; only its SHA-256 is stored."""
    token = "yh_" + secrets.token_urlsafe(32)
    if tenant_id is None:
        _own_token(_digest(token))
    db.session.add(ApiToken(token_hash=_digest(token), account_id=account.id, tenant_id=tenant_id))
    return token


def _own_token(digest: str) -> None:
    """Row-level security shows an operator's token (no tenant) to the transaction that names
    its hash: set it before looking the token up or writing it (PostgreSQL only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT set_config('app.token', :digest, true)"), {"digest": digest})


def token_identity(token: str, tenant_id: int | None):
    """(account, membership here or None) of a live token issued for this tenant (None: the
    operator API), in one query; None when the token is unknown, revoked or for elsewhere.
    Call with the tenant's scope entered."""
    if tenant_id is None:
        _own_token(_digest(token))
        account = db.session.scalar(_operator_token_stmt(), {"digest": _digest(token)})
        return None if account is None else (account, None)
    rows = fetch(_tenant_token_stmt(), {"digest": _digest(token), "tenant": tenant_id})
    if not rows:
        return None
    return _identity_objects(rows)


@functools.cache
def _operator_token_stmt():
    return select(Account).join(ApiToken, ApiToken.account_id == Account.id).where(
        ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None), ApiToken.tenant_id.is_(None))


@functools.cache
def _identity_columns():
    from .models import Member, MemberRole
    return columns_of(Account), columns_of(Member), columns_of(MemberRole)


@functools.cache
def _tenant_token_stmt():
    """Built once, run on every API request: token, account, membership here and its roles
    in one Core query (tenant criteria explicit; row-level security applies too)."""
    from sqlalchemy import and_
    from .models import Member, MemberRole
    a, m, r, t = Account.__table__, Member.__table__, MemberRole.__table__, ApiToken.__table__
    accounts, members, roles = _identity_columns()
    cols = [c for _, c in accounts] + [c for _, c in members] + [c for _, c in roles]
    return (select(*cols)
            .select_from(a.join(t, t.c.account_id == a.c.id)
                         .outerjoin(m, and_(m.c.account_id == a.c.id, m.c.tenant_id == bindparam("tenant")))
                         .outerjoin(r, and_(r.c.tenant_id == m.c.tenant_id, r.c.member_id == m.c.id)))
            .where(t.c.token_hash == bindparam("digest"), t.c.revoked_at.is_(None),
                   t.c.tenant_id == bindparam("tenant")))


def _identity_objects(rows):
    """(account, member or None) as persistent session objects, the member with its roles."""
    from .models import Member, MemberRole
    accounts, members, roles = _identity_columns()
    na, nm = len(accounts), len(members)
    first = rows[0]
    account = attach(Account, {k: first[i] for i, (k, _) in enumerate(accounts)})
    if first[na] is None:  # member's tenant_id: not a member here
        return account, None
    held = [attach(MemberRole, {k: row[na + nm + i] for i, (k, _) in enumerate(roles)})
            for row in rows if row[na + nm] is not None]
    member = attach(Member, {k: first[na + i] for i, (k, _) in enumerate(members)}, roles=held)
    return account, member


def revoke_token(token: str) -> bool:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
