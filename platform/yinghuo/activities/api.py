"""Tenant API for activities and sign-ups: /t/<slug>/api/v1/activities…"""
from __future__ import annotations

from flask import Response, g
import copy
import json
from datetime import datetime

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from ..extensions import db
from ..times import LocalDateTime
from .. import gate
from ..people.services import get_member, member_names
from ..tenant_api import blp
from . import checkins, services
from .models import STATUSES, VISIBILITIES



class ActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="")
    category = fields.String(required=True, metadata={
        "description": "one of the tenant's activity categories, listed by GET /vocabulary"})
    unit_id = fields.Integer(allow_none=True, load_default=None)
    address = fields.String(load_default="", validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-180, 180))
    geofence_m = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(20, 50_000),
                                metadata={"description": "QR check-ins only within this many metres"})
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(1, 100_000))
    confirmed_count = fields.Integer(dump_only=True)
    signup_opens_at = LocalDateTime(allow_none=True, load_default=None)
    signup_closes_at = LocalDateTime(allow_none=True, load_default=None)
    cancel_deadline = LocalDateTime(allow_none=True, load_default=None)
    requirements = fields.String(load_default="")
    skills = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)
    min_age = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 120))
    visibility = fields.String(load_default="tenant", validate=validate.OneOf(VISIBILITIES))
    status = fields.String(dump_only=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)
    series_id = fields.Integer(dump_only=True, allow_none=True)


class ActivityCreateSchema(ActivitySchema):
    repeat = fields.Dict(load_default=None, allow_none=True,
                         metadata={"description": '{"every_days": 7, "count": 4} creates a series'})

    @validates_schema
    def _repeat(self, data, **kwargs):
        repeat = data.get("repeat")
        if repeat is None:
            return
        count, every = repeat.get("count"), repeat.get("every_days")
        if not (isinstance(count, int) and 1 <= count <= 52 and isinstance(every, int) and 1 <= every <= 366):
            raise ValidationError("count 1-52 and every_days 1-366", field_name="repeat")


def _patch_schema(base: type[Schema]) -> type[Schema]:
    """The same fields, none required and none defaulted: a PATCH changes only what it names."""
    patched = {}
    for name, field in base._declared_fields.items():
        field = copy.copy(field)
        field.required, field.load_default = False, missing
        patched[name] = field
    return Schema.from_dict(patched, name=f"{base.__name__.removesuffix('Schema')}PatchSchema")


ActivityPatchSchema = _patch_schema(ActivitySchema)


class ActivityQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    category = fields.String(load_default=None)
    unit_id = fields.Integer(load_default=None)
    starts_from = LocalDateTime(load_default=None)
    starts_until = LocalDateTime(load_default=None)
    q = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class ReasonSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class SignupRequestSchema(Schema):
    member_id = fields.Integer(load_default=None,
                               metadata={"description": "leaders: sign up someone else (e.g. without a phone)"})


class SignupSchema(Schema):
    id = fields.Integer()
    activity_id = fields.Integer()
    member_id = fields.Integer()
    member_name = fields.String()
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    signed_up_by = fields.Integer(allow_none=True)


_ACTIVITY_FIELDS = tuple(name for name, f in ActivitySchema._declared_fields.items() if not f.load_only)


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def activities_json(rows) -> str:
    """A page of activity rows (as from ``list_activities``) as the JSON ActivitySchema
    would give, picking the fields by position: the list's hot path."""
    if not rows:
        return "[]"
    keys = rows[0]._fields
    picks = [(name, keys.index(name)) for name in _ACTIVITY_FIELDS]
    return _dumps([{name: row[i] for name, i in picks} for row in rows])


def _dumps(body) -> str:
    return json.dumps(body, default=_iso, ensure_ascii=False, separators=(",", ":"))


def json_out(body, status: int = 200) -> Response:
    """``body`` (already in its schema's shape: the plain dicts of ``signup_out`` and
    ``attendance_out``) as the JSON response the schema would give, without a second pass
    through marshmallow: the sign-up and check-in hot paths."""
    return Response(_dumps(body), status, mimetype="application/json")


def signup_out(signup, name: str | None = None) -> dict:
    return {"id": signup.id, "activity_id": signup.activity_id, "member_id": signup.member_id,
            "member_name": name, "status": signup.status, "signed_up_by": signup.signed_up_by,
            "waitlist_position": services.waitlist_position(signup)}


@blp.route("/activities")
class Activities(MethodView):
    @gate.public
    @blp.arguments(ActivityQuery, location="query")
    @blp.response(200, ActivitySchema(many=True))
    def get(self, args):
        """Activities this viewer may see, soonest first; total in ``X-Total-Count``, counted
        up to 1 000 past the page's start (where it stopped counting, with
        ``X-Total-Count-Estimated: true``, when there are more).

        Without a token, only public activities."""
        rows, total, exact = services.list_activities(g.member, public_only=g.member is None, **args)
        # the hot path: plain dicts straight to JSON (same fields as ActivitySchema)
        body = activities_json(rows)
        headers = {"X-Total-Count": str(total)}
        if not exact:
            headers["X-Total-Count-Estimated"] = "true"
        return Response(body, 200, headers, mimetype="application/json")

    @gate.permission("activities.manage")
    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, ActivitySchema(many=True))
    def post(self, data):
        """Create a draft activity, or a series with ``repeat`` (leaders and admins)."""
        repeat = data.pop("repeat", None)
        created = services.create_activity(g.tenant, data, creator=g.member, repeat=repeat)
        db.session.commit()
        return created


@blp.route("/activities/<int:activity_id>")
class ActivityItem(MethodView):
    @gate.public
    @blp.response(200, ActivitySchema)
    def get(self, activity_id):
        """One activity (404 when the viewer may not see it)."""
        return services.get_visible(activity_id, g.member)

    @gate.permission("activities.manage")
    @blp.arguments(ActivityPatchSchema)
    @blp.response(200, ActivitySchema)
    def patch(self, data, activity_id):
        """Change an activity; raising the capacity promotes from the waitlist."""
        activity = services.update_activity(g.tenant, services.get_activity(activity_id), data)
        db.session.commit()
        return activity


def _transition_route(action: str, doc: str):
    @blp.route(f"/activities/<int:activity_id>/{action}", methods=["POST"], endpoint=f"activity_{action}")
    @gate.permission("activities.manage")
    @blp.arguments(ReasonSchema)
    @blp.response(200, ActivitySchema)
    def view(data, activity_id):
        activity = services.transition(g.tenant, services.get_activity(activity_id), action, reason=data["reason"])
        db.session.commit()
        return activity
    view.__doc__ = doc
    return view


for _action, _doc in (("publish", "Publish a draft: it opens for sign-up."),
                      ("close", "Close sign-up."),
                      ("complete", "Mark the activity completed."),
                      ("cancel", "Cancel the activity (a reason is required).")):
    _transition_route(_action, _doc)


@blp.route("/activities/<int:activity_id>/signups")
class Signups(MethodView):
    @gate.member
    @blp.arguments(SignupRequestSchema)
    @blp.response(201, SignupSchema)
    def post(self, data, activity_id):
        """Sign up (yourself, or as a leader someone else): a place or the waitlist."""
        activity = services.get_visible(activity_id, g.member)
        person = g.member
        if data["member_id"] is not None and data["member_id"] != g.member.id:
            gate.demand("activities.manage")
            person = get_member(data["member_id"])
        signup = services.sign_up(g.tenant, activity, person, by=g.member)
        db.session.commit()
        return json_out(signup_out(signup, person.name), 201)

    @gate.permission("activities.manage")
    @blp.response(200, SignupSchema(many=True))
    def get(self, activity_id):
        """The roster: confirmed, then the waitlist in order (leaders and admins)."""
        rows = services.roster(services.get_activity(activity_id))
        names = member_names(r.member_id for r in rows)
        return [signup_out(r, names.get(r.member_id)) for r in rows]


@blp.route("/activities/<int:activity_id>/signups/me", methods=["DELETE"])
@gate.member
@blp.arguments(ReasonSchema, location="query")
@blp.response(200, SignupSchema)
def cancel_my_signup(args, activity_id):
    """Cancel your sign-up (refused after the cancel deadline); the waitlist moves up."""
    signup = services.cancel_signup(g.tenant, services.get_visible(activity_id, g.member), g.member,
                                    reason=args["reason"])
    db.session.commit()
    return signup_out(signup, g.member.name)


# --- on site: QR, check-in, check-out, corrections -------------------------------------

class QrQuery(Schema):
    kind = fields.String(load_default="in", validate=validate.OneOf(("in", "out")))


class QrSchema(Schema):
    token = fields.String()
    kind = fields.String()
    rotate_seconds = fields.Integer()
    valid_seconds = fields.Integer()


class CheckSchema(Schema):
    token = fields.String(load_default=None, metadata={"description": "the scanned QR token"})
    member_id = fields.Integer(load_default=None, metadata={"description": "leaders: for someone else"})
    latitude = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, validate=validate.Range(-180, 180))


class AttendanceSchema(Schema):
    member_id = fields.Integer()
    member_name = fields.String()
    checked_in_at = fields.DateTime()
    checked_out_at = fields.DateTime(allow_none=True)
    in_method = fields.String()
    out_method = fields.String(allow_none=True)


class CorrectionSchema(Schema):
    checked_in_at = LocalDateTime(required=True)
    checked_out_at = LocalDateTime(load_default=None)
    reason = fields.String(required=True, validate=validate.Length(1, 500))


def attendance_out(row, name=None) -> dict:
    return {"member_id": row.member_id, "member_name": name, "checked_in_at": row.checked_in_at,
            "checked_out_at": row.checked_out_at, "in_method": row.in_method, "out_method": row.out_method}


@blp.route("/activities/<int:activity_id>/qr")
@gate.permission("activities.manage")
@blp.arguments(QrQuery, location="query")
@blp.response(200, QrSchema)
def activity_qr(args, activity_id):
    """The current check-in (or check-out) QR token for the leader's screen."""
    activity = services.get_activity(activity_id)
    return {"token": checkins.qr_token(activity, args["kind"]), "kind": args["kind"],
            "rotate_seconds": checkins.QR_ROTATE_SECONDS, "valid_seconds": checkins.QR_TTL_SECONDS}


def _person_and_proxy(member_id):
    """The person to check in/out: yourself, or (leaders) someone else on their behalf."""
    if member_id is None or member_id == g.member.id:
        return g.member, None
    gate.demand("activities.manage")
    return get_member(member_id), g.member


def _check_route(direction: str):
    action = checkins.check_in if direction == "checkins" else checkins.check_out

    @blp.route(f"/activities/<int:activity_id>/{direction}", methods=["POST"], endpoint=f"activity_{direction}")
    @gate.member
    @blp.arguments(CheckSchema)
    @blp.response(200, AttendanceSchema)
    def view(data, activity_id):
        person, proxy = _person_and_proxy(data["member_id"])
        row = action(services.get_visible(activity_id, g.member), person, token=data["token"],
                     latitude=data["latitude"], longitude=data["longitude"], by=proxy)
        db.session.commit()
        return json_out(attendance_out(row, person.name))
    view.__doc__ = (f"{'Check in' if direction == 'checkins' else 'Check out'} by scanning the QR token, "
                    "or as a leader for someone else; doing it twice changes nothing.")
    return view


for _direction in ("checkins", "checkouts"):
    _check_route(_direction)


@blp.route("/activities/<int:activity_id>/attendance")
@gate.permission("activities.manage")
@blp.response(200, AttendanceSchema(many=True))
def activity_attendance(activity_id):
    """Who is checked in and out (leaders and admins)."""
    rows = checkins.roster(services.get_activity(activity_id))
    names = member_names(r.member_id for r in rows)
    return [attendance_out(r, names.get(r.member_id)) for r in rows]


@blp.route("/activities/<int:activity_id>/attendance/<int:member_id>", methods=["PUT"])
@gate.permission("activities.manage")
@blp.arguments(CorrectionSchema)
@blp.response(200, AttendanceSchema)
def activity_attendance_correct(data, activity_id, member_id):
    """Correct someone's times (or record a missed check-in): a reason is required and audited."""
    person = get_member(member_id)
    row = checkins.correct(services.get_activity(activity_id), person.id, by=g.member, **data)
    db.session.commit()
    return attendance_out(row, person.name)


class VocabularySchema(Schema):
    unit_types = fields.List(fields.String(), metadata={"description": "what a unit's type may be here"})
    activity_categories = fields.List(fields.String(),
                                      metadata={"description": "what an activity's category may be here"})
    plugins = fields.List(fields.String(), metadata={"description": "the plugins this tenant runs"})


@blp.route("/vocabulary")
@gate.public
@blp.response(200, VocabularySchema)
def vocabulary():
    """The words this tenant's data uses that differ from tenant to tenant: its unit types and
    activity categories (set in its settings, added to by its plugins) and its plugins."""
    return {"unit_types": list(g.tenant.setting("unit_types") or []),
            "activity_categories": services.categories(g.tenant),
            "plugins": sorted(g.tenant.enabled_plugins)}
