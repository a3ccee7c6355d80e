"""Letterbox rounds: who emptied which box when, how many slips; a box not emptied within
the tenant's interval is overdue."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from yinghuo.api import Invalid, NotFound, audit, db, get_unit, utcnow

from ..settings import settings
from .models import Letterbox, LetterboxRound


def add_box(name: str, unit_id: int, location: str = "") -> Letterbox:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["required"]
    elif db.session.scalar(select(Letterbox.id).where(Letterbox.name == name)) is not None:
        errors["name"] = ["already used"]
    if not unit_id:
        errors["unit_id"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    get_unit(unit_id)
    box = Letterbox(name=name, unit_id=unit_id, location=(location or "").strip()[:200])
    db.session.add(box)
    db.session.flush()
    audit("stations.letterbox.create", "letterbox", box.id, after={"name": box.name})
    return box


def get_box(box_id: int) -> Letterbox:
    box = db.session.scalar(select(Letterbox).where(Letterbox.id == box_id))
    if box is None:
        raise NotFound("no such letterbox")
    return box


def record_round(box: Letterbox, *, slips: int, by, note: str = "") -> LetterboxRound:
    if slips is None or not 0 <= slips <= 1000:
        raise Invalid("Say how many slips were in the box", fields={"slips": ["0 to 1000"]})
    row = LetterboxRound(letterbox_id=box.id, slips=slips, collected_by=by.id if by else None,
                         note=(note or "").strip()[:500])
    db.session.add(row)
    db.session.flush()
    audit("stations.letterbox.round", "letterbox", box.id, after={"slips": slips})
    return row


def boxes() -> list[dict]:
    """Every box with its last round, and whether it is overdue (not emptied within the
    tenant's interval; never emptied counts from when it was put up)."""
    last = dict(db.session.execute(select(LetterboxRound.letterbox_id, func.max(LetterboxRound.collected_at))
                                   .group_by(LetterboxRound.letterbox_id)).all())
    limit = utcnow() - timedelta(days=settings()["letterbox_every_days"])
    rows = []
    for box in db.session.scalars(select(Letterbox).order_by(Letterbox.name)):
        seen = last.get(box.id)
        since = seen or box.created_at
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=limit.tzinfo)
        rows.append({"box": box, "last": seen, "overdue": since < limit})
    return rows


def rounds(box: Letterbox, limit: int = 20) -> list[LetterboxRound]:
    return list(db.session.scalars(select(LetterboxRound).where(LetterboxRound.letterbox_id == box.id)
                                   .order_by(LetterboxRound.collected_at.desc()).limit(limit)))
