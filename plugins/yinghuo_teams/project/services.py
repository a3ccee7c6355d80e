"""Media works: films, articles and reports of the creative group, and where they appeared."""
from __future__ import annotations

from sqlalchemy import select
from yinghuo.api import Invalid, audit, db, local_today

from ..squads.models import Squad
from .models import MediaWork

MEDIA_KINDS = ("film", "article", "report")


def add_media(data: dict, *, by):
    """A film, article or report of the creative group and where it was published."""
    errors = {}
    if data.get("kind") not in MEDIA_KINDS:
        errors["kind"] = [f"one of {', '.join(MEDIA_KINDS)}"]
    for key in ("title", "outlet"):
        if not (data.get(key) or "").strip():
            errors[key] = ["required"]
    if data.get("published_on") is None:
        errors["published_on"] = ["required"]
    elif data["published_on"] > local_today():
        errors["published_on"] = ["in the future"]
    link = (data.get("link") or "").strip()
    if link and not link.startswith(("http://", "https://")):
        errors["link"] = ["an http(s) address"]
    if data.get("squad_id") is not None:
        if db.session.scalar(select(Squad.id).where(Squad.id == data["squad_id"])) is None:
            errors["squad_id"] = ["no such squad"]
    if errors:
        raise Invalid("The media work is incomplete", fields=errors)
    work = MediaWork(kind=data["kind"], title=data["title"].strip(), outlet=data["outlet"].strip(), link=link,
                     published_on=data["published_on"], squad_id=data.get("squad_id"), created_by=by.id)
    db.session.add(work)
    db.session.flush()
    audit("teams.media", "media_work", work.id, after={"title": work.title, "outlet": work.outlet})
    return work


def media(limit: int = 500) -> list:
    return list(db.session.scalars(select(MediaWork).order_by(MediaWork.published_on.desc(), MediaWork.id.desc())
                                   .limit(limit)))
