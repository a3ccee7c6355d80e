"""Entries: a team enters a project (a draft), submits it (a version kept), edits and submits
again until the deadline (review's start), after which nothing changes; the organisers
accept, reject with a reason or ask for changes.

In a hub's competition open to its child tenants, the entrant is a member of the hub (one
account, a membership in each tenant) and names the child tenant the project comes from,
which must be one the account belongs to; the entry is the hub's row and nothing of the
child's is read but that membership."""
from __future__ import annotations

from sqlalchemy import func, select
from yinghuo.api import (Conflict, Invalid, NotFound, account_tenant_ids, audit, checked_upload, child_tenants, db,
                         find_one, gate, tenant_zone, utcnow)

from ..contests.services import deadline, get_competition, stage_now
from .models import Entry, EntryFile, EntryVersion

FIELDS = ("title", "team_name", "category", "summary", "sections", "video_link")
#: the review decisions and what each leaves the entry as
DECISIONS = {"accept": "accepted", "reject": "rejected", "changes": "changes"}


def get_entry(entry_id: int) -> Entry:
    found = find_one(Entry, id=entry_id) if entry_id else None
    if found is None:
        raise NotFound("no such entry")
    return found


def own_entry(entry_id: int, member) -> Entry:
    entry = get_entry(entry_id)
    if entry.entrant_id != member.id:
        gate.demand("competitions.review", member)
    return entry


def _check(competition, data: dict, member) -> dict:
    errors = {}
    for key in ("title", "team_name"):
        if not (data.get(key) or "").strip():
            errors[key] = ["required"]
    if data.get("category") not in competition.categories:
        errors["category"] = ["not a category of this competition"]
    keys = {c["key"] for c in competition.criteria}
    if set(data.get("sections") or {}) - keys:
        errors["sections"] = ["only the competition's criteria"]
    link = (data.get("video_link") or "").strip()
    if link and not link.startswith(("https://", "http://")):
        errors["video_link"] = ["a web address (https://…)"]
    if competition.eligibility == "children":
        kids = {t["id"] for t in child_tenants()}
        origin = data.get("from_tenant_id")
        if origin not in kids:
            errors["from_tenant_id"] = ["one of the tenants taking part"]
        elif origin not in account_tenant_ids(member.account_id, among=kids):
            errors["from_tenant_id"] = ["you are not a member there"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    return {"title": data["title"].strip()[:200], "team_name": data["team_name"].strip()[:200],
            "category": data["category"], "summary": (data.get("summary") or "").strip()[:5000],
            "sections": {k: str(v)[:5000] for k, v in (data.get("sections") or {}).items()},
            "video_link": link[:500]}


def _open_for_entries(competition) -> None:
    if stage_now(competition) != "submission":
        raise Conflict("Entries are closed: the deadline was %(when)s", code="frozen",
                       params={"when": deadline(competition).astimezone(tenant_zone()).strftime("%Y-%m-%d %H:%M")})


def create(competition_id: int, data: dict, *, by) -> Entry:
    competition = get_competition(competition_id, public=True)
    _open_for_entries(competition)
    values = _check(competition, data, by)
    entry = Entry(competition_id=competition.id, entrant_id=by.id, status="draft",
                  from_tenant_id=data.get("from_tenant_id") if competition.eligibility == "children" else None,
                  **values)
    db.session.add(entry)
    db.session.flush()
    audit("competitions.entry.create", "competition_entry", entry.id, after={"title": entry.title})
    return entry


def update(entry: Entry, data: dict, *, by) -> Entry:
    """Change an entry until the deadline (a submitted one goes back to draft until submitted again)."""
    competition = get_competition(entry.competition_id)
    _open_for_entries(competition)
    if entry.status in ("accepted", "rejected"):
        raise Conflict("This entry has been decided", code="decided")
    values = _check(competition, {**{k: getattr(entry, k) for k in FIELDS}, "from_tenant_id": entry.from_tenant_id,
                                  **data}, by)
    for key, value in values.items():
        setattr(entry, key, value)
    entry.updated_at = utcnow()
    return entry


def submit(entry: Entry, *, by) -> Entry:
    """Hand the entry in: a version is kept, the organisers see it."""
    competition = get_competition(entry.competition_id)
    _open_for_entries(competition)
    if entry.status in ("accepted", "rejected"):
        raise Conflict("This entry has been decided", code="decided")
    entry.version += 1
    entry.status = "submitted"
    db.session.add(EntryVersion(entry_id=entry.id, version=entry.version, snapshot=snapshot(entry)))
    db.session.flush()
    audit("competitions.entry.submit", "competition_entry", entry.id, after={"version": entry.version})
    return entry


def snapshot(entry: Entry) -> dict:
    return {k: getattr(entry, k) for k in FIELDS}


def decide(entry: Entry, decision: str, *, note: str, by) -> Entry:
    """Accept, reject (with the reason) or ask for changes (with what to change)."""
    if decision not in DECISIONS:
        raise Invalid("Please correct the fields marked below", fields={"decision": ["accept, reject or changes"]})
    if decision != "accept" and not (note or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"note": ["required"]})
    if entry.status not in ("submitted", "changes", "accepted", "rejected"):
        raise Conflict("Only a submitted entry can be reviewed", code="not_submitted")
    if decision == "changes":
        _open_for_entries(get_competition(entry.competition_id))
    entry.status, entry.review_note = DECISIONS[decision], (note or "").strip()[:1000]
    audit(f"competitions.entry.{decision}", "competition_entry", entry.id, reason=entry.review_note or None)
    return entry


def entries(competition_id: int, *, status: str | None = None, category: str | None = None,
            entrant_id: int | None = None, text: str = "") -> list[Entry]:
    stmt = select(Entry).where(Entry.competition_id == competition_id)
    if status:
        stmt = stmt.where(Entry.status == status)
    if category:
        stmt = stmt.where(Entry.category == category)
    if entrant_id:
        stmt = stmt.where(Entry.entrant_id == entrant_id)
    if text:
        stmt = stmt.where(Entry.title.contains(text, autoescape=True) | Entry.team_name.contains(text,
                                                                                                  autoescape=True))
    return list(db.session.scalars(stmt.order_by(Entry.category, Entry.id)))


def versions(entry_id: int) -> list[EntryVersion]:
    return list(db.session.scalars(select(EntryVersion).where(EntryVersion.entry_id == entry_id)
                                   .order_by(EntryVersion.version)))


def counts(competition_id: int) -> dict:
    return dict(db.session.execute(select(Entry.status, func.count()).where(Entry.competition_id == competition_id)
                                   .group_by(Entry.status)).all())


def mine(member) -> list[Entry]:
    return list(db.session.scalars(select(Entry).where(Entry.entrant_id == member.id).order_by(Entry.id.desc())))



# --- files: documents and images, checked by their content ------------------------------

#: what an entry may carry, and how much
FILE_TYPES = ("jpg", "png", "webp", "pdf", "docx", "pptx", "xlsx")
MAX_FILE, FILES_PER_ENTRY = 20 * 1024 * 1024, 10


def add_file(entry: Entry, filename: str, data: bytes, *, by) -> EntryFile:
    """Attach a document or image until the deadline; its kind is read from its content and
    must match its name (a renamed program is refused)."""
    _open_for_entries(get_competition(entry.competition_id))
    if entry.status in ("accepted", "rejected"):
        raise Conflict("This entry has been decided", code="decided")
    name, found = checked_upload(filename, data, kinds=FILE_TYPES, max_mb=MAX_FILE // (1024 * 1024))
    if db.session.scalar(select(func.count()).select_from(EntryFile).where(EntryFile.entry_id == entry.id)) \
            >= FILES_PER_ENTRY:
        raise Conflict("An entry has at most %(n)s files", code="too_many_files", params={"n": FILES_PER_ENTRY})
    row = EntryFile(entry_id=entry.id, filename=name, kind=found, size=len(data), content=data)
    db.session.add(row)
    db.session.flush()
    audit("competitions.entry.file", "competition_entry", entry.id, after={"file": name})
    return row


def files(entry_id: int) -> list[EntryFile]:
    return list(db.session.scalars(select(EntryFile).where(EntryFile.entry_id == entry_id).order_by(EntryFile.id)))


def get_file(entry_id: int, file_id: int) -> EntryFile:
    found = find_one(EntryFile, id=file_id, entry_id=entry_id)
    if found is None:
        raise NotFound("no such file")
    return found


def readable(entry_id: int, member) -> Entry:
    """The entry for its entrant, the organisers, or a judge who scores it (not one with a
    declared conflict)."""
    entry = get_entry(entry_id)
    if entry.entrant_id == member.id or gate.allowed(member, "competitions.review"):
        return entry
    from ..judging.services import entry_for_judge
    entry_for_judge(entry.competition_id, entry_id, member, "review")
    return entry
