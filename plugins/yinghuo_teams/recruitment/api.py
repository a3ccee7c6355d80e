"""The recruitment routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask.views import MethodView
from yinghuo.api import db, gate, mask_phone

from ..blueprints import api as blp
from ..recruitment import services as recruitment
from .schemas import (ApplicationActionSchema, ApplicationQuery, ApplicationReceipt, ApplicationSchema, ContactOut,
                      ContactReason, SlotSchema)


@blp.route("/applications")
class Applications(MethodView):
    @gate.permission("teams.admin")
    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    def get(self, args):
        """The screening list (filter by status), mobile numbers masked."""
        return [masked(a) for a in recruitment.listing(args["status"])]

    @gate.public
    @blp.arguments(ApplicationSchema)
    @blp.response(201, ApplicationReceipt)
    def post(self, data):
        """Public: apply to join the project (no account needed; one per mobile number)."""
        row = recruitment.apply(data)
        db.session.commit()
        return row


def masked(row) -> dict:
    """An application as lists show it: the mobile number masked."""
    return {**{name: getattr(row, name, None) for name in ApplicationSchema().fields}, "phone": mask_phone(row.phone)}


@blp.route("/applications/<int:application_id>/contact", methods=["POST"])
@gate.permission("teams.admin")
@blp.arguments(ContactReason)
@blp.response(200, ContactOut)
def application_contact(data, application_id):
    """The applicant's full mobile number, with the reason it is needed (audited)."""
    phone = recruitment.contact(recruitment.get(application_id), data["reason"])
    db.session.commit()
    return {"phone": phone}


@blp.route("/applications/<int:application_id>/<any(shortlist, reject, schedule, pass, fail, accept):action>",
           methods=["POST"])
@gate.permission("teams.admin")
@blp.arguments(ApplicationActionSchema)
@blp.response(200, ApplicationSchema)
def application_action(data, application_id, action):
    """Screen, schedule an interview, record its result, accept (membership + squad)."""
    row = recruitment.act(recruitment.get(application_id), action, **data)
    db.session.commit()
    return row


@blp.route("/interview-slots")
class Slots(MethodView):
    @gate.permission("teams.admin")
    @blp.response(200, SlotSchema(many=True))
    def get(self):
        """Interview slots with their bookings."""
        return recruitment.slots()

    @gate.permission("teams.admin")
    @blp.arguments(SlotSchema)
    @blp.response(201, SlotSchema)
    def post(self, data):
        """Add an interview slot."""
        slot = recruitment.add_slot(**data)
        db.session.commit()
        return slot
