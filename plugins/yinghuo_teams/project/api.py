"""The project routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask.views import MethodView
from yinghuo.api import activity_summaries, create_activity, current_member, db, gate

from ..blueprints import api as blp
from ..settings import settings
from . import dashboard
from . import services as media_works
from .schemas import DashboardSchema, MediaSchema, TrainingCreated, TrainingOut, TrainingQuery, TrainingSchema


@blp.route("/media")
class Media(MethodView):
    @gate.member
    @blp.response(200, MediaSchema(many=True))
    def get(self):
        """Films, articles and reports, newest first."""
        return media_works.media()

    @gate.permission("teams.manage")
    @blp.arguments(MediaSchema)
    @blp.response(201, MediaSchema)
    def post(self, data):
        """Record a published work (outlet, link, date)."""
        work = media_works.add_media(data, by=current_member())
        db.session.commit()
        return work


@blp.route("/trainings")
class Trainings(MethodView):
    @gate.member
    @blp.arguments(TrainingQuery, location="query")
    @blp.response(200, TrainingOut(many=True))
    def get(self, args):
        """Training sessions (or field trips) with sign-ups and attendance, from the kernel."""
        conf = settings()
        return activity_summaries(category=conf["training_category" if args["kind"] == "training"
                                                else "practice_category"])

    @gate.permission("teams.manage")
    @blp.arguments(TrainingSchema)
    @blp.response(201, TrainingCreated)
    def post(self, data):
        """Create a training session or field trip as a kernel activity (a draft to publish)."""
        conf = settings()
        kind = data.pop("kind")
        data["category"] = conf["training_category" if kind == "training" else "practice_category"]
        activity = create_activity({**data, "visibility": "tenant"}, creator=current_member())
        db.session.commit()
        return activity


@blp.route("/dashboard")
@gate.member
@blp.response(200, DashboardSchema)
def dashboard_figures():
    """Counts and on-time submission rates per squad and per week."""
    return {"counts": dashboard.counts(), **dashboard.on_time()}
