"""Public voting: a voter - a signed-in member, or anyone who proves a phone is theirs by a
code texted to it - votes for accepted entries while the competition's voting stage runs,
within the competition's limits per day in all and per entry; each vote is a row, the
tally moves in Redis after the commit and is rebuilt from the rows (after Redis restarts,
or whenever an admin asks); a vote voided with a reason leaves the tally.

Against bought votes: limits per address and per device; after a burst from one network,
each further vote needs a proof of work (``yinghuo.api.proofwork``); the anomaly report
(``anomalies``) for the organisers before the results."""
from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import BigInteger, String, column, func, select, text
from yinghuo.api import (Conflict, Invalid, NotFound, Unauthorized, audit, bump, counters, current_tenant_id, db,
                         fetch, find_one, find_or_add, keyed_digest, local_today, proofwork, rate_limit, rate_limit_over,
                         tenant_zone, text_phone, utcnow)

from ..contests.services import get_competition, stage_now
from ..entries.models import Entry
from ..settings import settings
from .models import PhoneCode, Vote, VoterDay

#: how long a texted code and a phone voter's pass last
CODE_MINUTES, PASS_HOURS, CODE_TRIES = 10, 24, 5


def tally_name(competition_id: int) -> str:
    return f"competitions:{competition_id}:votes"


def _counter(competition_id: int, voter: str, day, entry_id: int, cap: int) -> VoterDay:
    return find_or_add(VoterDay, {"votes": 0, "cap": cap}, competition_id=competition_id, voter=voter, day=day,
                       entry_id=entry_id)


#: PostgreSQL: both of the voter's day counters made or moved in one statement, each only
#: while below its cap; the rows it returns are the counters that took the vote
_TAKE = text("""
INSERT INTO competitions_voter_days (tenant_id, id, competition_id, voter, day, entry_id, votes, cap)
SELECT :tenant, nextval('yinghuo_id_seq'), :competition, :voter, :day, scope, 1, cap
FROM (VALUES (CAST(:scope0 AS bigint), CAST(:cap0 AS integer)), (CAST(:scope1 AS bigint), CAST(:cap1 AS integer)))
     AS limits (scope, cap)
ON CONFLICT (tenant_id, competition_id, voter, day, entry_id)
DO UPDATE SET votes = competitions_voter_days.votes + 1 WHERE competitions_voter_days.votes < competitions_voter_days.cap
RETURNING entry_id, """ + counters.TRANSACTION_ID + """ AS xid
""").columns(column("entry_id", BigInteger), column("xid", String))


def _take(competition_id: int, voter: str, day, limits: list[tuple[int, int]]) -> tuple[set[int], str | None]:
    """Count one vote on each of the voter's day counters still below its cap; the scopes
    (0: the day, or an entry) that took it, and the transaction's id (PostgreSQL) for the
    tally's move. A refusal rolls the transaction back."""
    if db.session.get_bind().dialect.name == "postgresql":
        (scope0, cap0), (scope1, cap1) = limits
        rows = fetch(_TAKE, {"tenant": current_tenant_id(), "competition": competition_id, "voter": voter,
                             "day": day, "scope0": scope0, "cap0": cap0, "scope1": scope1, "cap1": cap1})
        return {row.entry_id for row in rows}, (rows[0].xid if rows else None)
    taken = set()
    for scope, cap in limits:
        row = _counter(competition_id, voter, day, scope, cap)
        if bump(VoterDay, row.id, "votes", 1, below="cap"):
            taken.add(scope)
    return taken, None


def network(ip: str) -> str:
    """The address's network for the anomaly report and the burst check: /24, IPv6 /48."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{address}/{24 if address.version == 4 else 48}", strict=False))


def vote(entry_id: int, *, voter: str, ip: str = "", device: str = "", proof: str | None = None) -> Vote:
    rate_limit("vote")
    if device:
        rate_limit("vote_device", key=f"device:{device}")
    subnet = network(ip)
    if rate_limit_over("vote_burst", key=f"net:{subnet or ip}"):
        proofwork.check("vote", proof)
    entry = find_one(Entry, id=entry_id)
    if entry is None or entry.status != "accepted":
        raise NotFound("no such entry")
    competition = get_competition(entry.competition_id, public=True)
    if stage_now(competition) != "voting":
        raise Conflict("Voting is not open", code="not_voting")
    conf, today = settings(), local_today()
    limits = ((0, conf["votes_per_day"], "You have used today's votes"),
              (entry.id, conf["votes_per_entry_per_day"], "You have voted for this project today"))
    counted_in, xid = _take(competition.id, voter, today, [(scope, cap) for scope, cap, _ in limits])
    for scope, _, message in limits:
        if scope not in counted_in:
            raise Conflict(message, code="vote_limit")
    now = utcnow()
    cast = Vote(competition_id=competition.id, entry_id=entry.id, voter=voter, day=today, ip=(ip or "")[:45],
                device=(device or "")[:64], subnet=subnet, window=int(now.timestamp()) // 600,
                night=now.astimezone(tenant_zone()).hour < 6, created_at=now)
    db.session.add(cast)
    db.session.flush()
    counters.add_after_commit(tally_name(competition.id), entry.id, 1, xid=xid)
    return cast


def counted(competition_id: int, entry_ids) -> dict[int, int]:
    """Votes per entry: from Redis once its tally has been built, else counted in the
    database (and the tally built from it now)."""
    ids = [int(i) for i in entry_ids]
    fast = counters.read(tally_name(competition_id), ids)
    if fast is not None:
        return {i: fast[str(i)] for i in ids}
    rows = counters.rebuild(tally_name(competition_id), _per_entry(competition_id))
    return {i: rows.get(i, 0) for i in ids}


def _per_entry(competition_id: int):
    """Votes per entry in the rows kept in the database (not voided): the facts."""
    return select(Vote.entry_id, func.count()).where(
        Vote.competition_id == competition_id, Vote.voided.is_(False)).group_by(Vote.entry_id)


def from_rows(competition_id: int) -> dict[int, int]:
    """:func:`_per_entry`, counted."""
    return dict(db.session.execute(_per_entry(competition_id)).all())


def rebuild(competition_id: int) -> dict[int, int]:
    """The tally counted again from the votes kept in the database (Redis's counter rebuilt
    so that no vote racing it is lost or counted twice: ``yinghuo.api.counters``)."""
    get_competition(competition_id)
    counts = counters.rebuild(tally_name(competition_id), _per_entry(competition_id))
    audit("competitions.votes.rebuild", "competition", competition_id, after={"votes": sum(counts.values())})
    return counts


def void(vote_id: int, *, reason: str, by) -> Vote:
    """Take a vote out of the count, with the reason (audited); the row stays."""
    cast = find_one(Vote, id=vote_id)
    if cast is None:
        raise NotFound("no such vote")
    if not (reason or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"reason": ["required"]})
    if cast.voided:
        raise Conflict("This vote was voided already", code="voided")
    cast.voided, cast.void_reason = True, reason.strip()[:500]
    counters.add_after_commit(tally_name(cast.competition_id), cast.entry_id, -1)
    audit("competitions.vote.void", "competition_vote", cast.id, reason=cast.void_reason)
    return cast


def recent(competition_id: int, limit: int = 100) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.competition_id == competition_id)
                                   .order_by(Vote.id.desc()).limit(limit)))



# --- voters by phone ----------------------------------------------------------------------

def _phone(raw: str) -> str:
    phone = "".join(ch for ch in (raw or "") if ch.isdigit())
    if len(phone) != 11 or not phone.startswith("1"):
        raise Invalid("Please correct the fields marked below", fields={"phone": ["an 11-digit mobile number"]})
    return phone


def send_code(competition_id: int, phone: str) -> str:
    """Text a six-digit code to the phone (limited per phone and per address); says where
    it went ("inbox", "sms" or "log": ``yinghuo.api.text_phone``)."""
    from flask_babel import force_locale, gettext as _
    competition = get_competition(competition_id, public=True)
    if stage_now(competition) != "voting":
        raise Conflict("Voting is not open", code="not_voting")
    number = _phone(phone)
    digest = keyed_digest(number)
    rate_limit("phone_code")
    rate_limit("phone_code", key=f"phone:{digest}")
    code = f"{secrets.randbelow(10 ** 6):06d}"
    db.session.add(PhoneCode(phone=digest, code=keyed_digest(f"{digest}:{code}"),
                             expires_at=utcnow() + timedelta(minutes=CODE_MINUTES)))
    db.session.flush()
    with force_locale("zh_Hans_CN"):
        return text_phone(number, _("Voting code"), _("Your code for voting in %(name)s is %(code)s; it lasts "
                                                      "%(minutes)s minutes.", name=competition.name, code=code,
                                                      minutes=CODE_MINUTES))


def check_code(competition_id: int, phone: str, code: str) -> str:
    """The voter's pass (a signed token naming the phone's keyed hash) for a right code;
    each code works once, five wrong tries spend it."""
    get_competition(competition_id, public=True)
    digest = keyed_digest(_phone(phone))
    wrong = Invalid("The code is wrong or has expired", fields={"code": ["wrong or expired"]})
    sent = db.session.scalar(select(PhoneCode).where(PhoneCode.phone == digest, PhoneCode.used.is_(False),
                                                     PhoneCode.expires_at > utcnow())
                             .order_by(PhoneCode.id.desc()).limit(1).with_for_update())
    if sent is None or sent.attempts >= CODE_TRIES:
        raise wrong
    if sent.code != keyed_digest(f"{digest}:{(code or '').strip()}"):
        sent.attempts += 1
        db.session.commit()
        raise wrong
    sent.used = True
    return _serializer().dumps({"t": current_tenant_id(), "v": f"phone:{digest}"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="yinghuo-competitions-voter")


def voter_from_pass(token: str | None) -> str | None:
    """The phone voter a pass names, if it is genuine, fresh and of this tenant."""
    if not token:
        return None
    try:
        found = _serializer().loads(token, max_age=PASS_HOURS * 3600)
    except BadSignature:
        return None
    return found.get("v") if found.get("t") == current_tenant_id() else None


def voter_of(member, token: str | None) -> str:
    """Who votes: the signed-in member, else the phone voter of the pass; 401 otherwise."""
    if member is not None:
        return f"member:{member.id}"
    found = voter_from_pass(token)
    if found is None:
        raise Unauthorized("Sign in, or confirm your phone with a code, to vote")
    return found
