"""Entries in the API: enter, change, submit, review; the versions kept."""
from __future__ import annotations

import io

from flask import g, request, send_file
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services
from .models import ENTRY_STATUSES


class CompetitionEntryIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    team_name = fields.String(required=True, validate=validate.Length(1, 200))
    category = fields.String(required=True, validate=validate.Length(1, 40))
    summary = fields.String(load_default="", validate=validate.Length(max=5000))
    sections = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(max=5000)),
                           load_default=dict, metadata={"description": "what the team writes for each criterion"})
    video_link = fields.String(load_default="", validate=validate.Length(max=500))
    from_tenant_id = fields.Integer(load_default=None, allow_none=True,
                                    metadata={"description": "a hub's competition: the child tenant it comes from"})


class CompetitionEntryChange(CompetitionEntryIn):
    title = fields.String(validate=validate.Length(1, 200))
    team_name = fields.String(validate=validate.Length(1, 200))
    category = fields.String(validate=validate.Length(1, 40))


class CompetitionEntryOut(Schema):
    id = fields.Integer()
    competition_id = fields.Integer()
    title = fields.String()
    team_name = fields.String()
    category = fields.String()
    summary = fields.String()
    sections = fields.Dict()
    video_link = fields.String()
    from_tenant_id = fields.Integer(allow_none=True)
    status = fields.String()
    review_note = fields.String()
    version = fields.Integer()


class PublicCompetitionEntryOut(Schema):
    id = fields.Integer()
    title = fields.String()
    team_name = fields.String()
    category = fields.String()
    summary = fields.String()


class EntryDecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(tuple(services.DECISIONS)))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class EntryVersionOut(Schema):
    version = fields.Integer()
    snapshot = fields.Dict()
    created_at = fields.DateTime()


@blp.route("/<int:competition_id>/entries", methods=["POST"])
@gate.member
@blp.arguments(CompetitionEntryIn)
@blp.response(201, CompetitionEntryOut)
def enter(data, competition_id):
    """A draft entry (submit it to hand it in)."""
    entry = services.create(competition_id, data, by=g.member)
    db.session.commit()
    return entry


@blp.route("/<int:competition_id>/entries")
@gate.public
@blp.response(200, PublicCompetitionEntryOut(many=True))
def public_entries(competition_id):
    """The accepted entries (``?category=``, ``?q=`` searches title and team)."""
    from ..contests.services import get_competition
    get_competition(competition_id, public=True)
    return services.entries(competition_id, status="accepted", category=request.args.get("category"),
                            text=request.args.get("q", ""))


@blp.route("/<int:competition_id>/entries/all")
@gate.permission("competitions.review")
@blp.response(200, CompetitionEntryOut(many=True))
def all_entries(competition_id):
    status = request.args.get("status")
    return services.entries(competition_id, status=status if status in ENTRY_STATUSES else None,
                            category=request.args.get("category"))


@blp.route("/entries/mine")
@gate.member
@blp.response(200, CompetitionEntryOut(many=True))
def my_entries():
    return services.mine(g.member)


@blp.route("/entries/<int:entry_id>")
@gate.member
@blp.response(200, CompetitionEntryOut)
def show_entry(entry_id):
    return services.own_entry(entry_id, g.member)


@blp.route("/entries/<int:entry_id>", methods=["PATCH"])
@gate.member
@blp.arguments(CompetitionEntryChange)
@blp.response(200, CompetitionEntryOut)
def change_entry(data, entry_id):
    entry = services.own_entry(entry_id, g.member)
    services.update(entry, {k: v for k, v in data.items() if k != "from_tenant_id"}, by=g.member)
    db.session.commit()
    return entry


@blp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@gate.member
@blp.response(200, CompetitionEntryOut)
def submit_entry(entry_id):
    entry = services.submit(services.own_entry(entry_id, g.member), by=g.member)
    db.session.commit()
    return entry


@blp.route("/entries/<int:entry_id>/decision", methods=["POST"])
@gate.permission("competitions.review")
@blp.arguments(EntryDecisionIn)
@blp.response(200, CompetitionEntryOut)
def decide(data, entry_id):
    """Accept, reject with the reason, or ask for changes (while entries are open)."""
    entry = services.decide(services.get_entry(entry_id), data["decision"], note=data["note"], by=g.member)
    db.session.commit()
    return entry


@blp.route("/entries/<int:entry_id>/versions")
@gate.member
@blp.response(200, EntryVersionOut(many=True))
def entry_versions(entry_id):
    services.own_entry(entry_id, g.member)
    return services.versions(entry_id)


class EntryFileOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    kind = fields.String()
    size = fields.Integer()


class EntryFileIn(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


@blp.route("/entries/<int:entry_id>/files", methods=["POST"])
@gate.member
@blp.arguments(EntryFileIn, location="files")
@blp.response(201, EntryFileOut)
def add_file(data, entry_id):
    """Attach a document or image (jpg, png, webp, pdf, docx, pptx, xlsx; 20 MB; checked by content)."""
    upload = data["file"]
    entry = services.own_entry(entry_id, g.member)
    found = services.add_file(entry, upload.filename, upload.read(services.MAX_FILE + 1), by=g.member)
    db.session.commit()
    return found


@blp.route("/entries/<int:entry_id>/files")
@gate.member
@blp.response(200, EntryFileOut(many=True))
def list_files(entry_id):
    services.readable(entry_id, g.member)
    return services.files(entry_id)


@blp.route("/entries/<int:entry_id>/files/<int:file_id>")
@gate.member
@blp.response(200, description="the file")
def get_file(entry_id, file_id):
    """The file, for the entrant, the organisers and the entry's judges."""
    services.readable(entry_id, g.member)
    found = services.get_file(entry_id, file_id)
    return send_file(io.BytesIO(found.content), download_name=found.filename, as_attachment=True)
