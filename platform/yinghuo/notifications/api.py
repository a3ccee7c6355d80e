"""Tenant API for the inbox: /t/<slug>/api/v1/me/notifications."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from ..extensions import db
from .. import gate
from ..tenant_api import blp
from . import services


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read = fields.Boolean()


class InboxSchema(Schema):
    unread = fields.Integer()
    items = fields.List(fields.Nested(NotificationSchema))


class CountSchema(Schema):
    marked = fields.Integer()


def notification_out(row) -> dict:
    text = services.render(row)
    return {"id": row.id, "kind": row.kind, "title": text.title, "body": text.body, "link": row.link,
            "created_at": row.created_at, "read": row.read_at is not None}


@blp.route("/me/notifications")
@gate.member
@blp.response(200, InboxSchema)
def my_notifications():
    """My inbox, unread first, in my language (``?lang=en`` for English)."""
    rows, unread = services.inbox(g.member.id)
    return {"unread": unread, "items": [notification_out(r) for r in rows]}


@blp.route("/me/notifications/<int:notification_id>/read", methods=["POST"])
@gate.member
@blp.response(200, CountSchema)
def notification_read(notification_id):
    """Mark one message read."""
    marked = services.mark_read(g.member.id, notification_id)
    db.session.commit()
    return {"marked": marked}


@blp.route("/me/notifications/read-all", methods=["POST"])
@gate.member
@blp.response(200, CountSchema)
def notifications_read_all():
    """Mark every message read."""
    marked = services.mark_read(g.member.id)
    db.session.commit()
    return {"marked": marked}
