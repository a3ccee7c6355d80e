"""The project routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask.views import MethodView
from yinghuo.api import activity_summaries, create_activity, current_member, db, gate

from ..blueprints import api as blp
from ..settings import settings
from . import dashboard
from . import services as media_works
from .schemas import MediaSchema, TrainingQuery, TrainingSchema


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
    def get(self, args):
        """Training sessions (or field trips) with sign-ups and attendance, from the kernel."""
        conf = settings()
        category = conf["training_category" if args["kind"] == "training" else "practice_category"]
        return [{**a, "starts_at": a["starts_at"].isoformat(), "ends_at": a["ends_at"].isoformat()}
                for a in activity_summaries(category=category)]

    @gate.permission("teams.manage")
    @blp.arguments(TrainingSchema)
    def post(self, data):
        """Create a training session or field trip as a kernel activity (a draft to publish)."""
        conf = settings()
        kind = data.pop("kind")
        data["category"] = conf["training_category" if kind == "training" else "practice_category"]
        activity = create_activity({**data, "visibility": "tenant"}, creator=current_member())
        db.session.commit()
        return {"id": activity.id, "category": activity.category, "status": activity.status}, 201


@blp.route("/dashboard")
@gate.member
def dashboard_figures():
    """Counts and on-time submission rates per squad and per week."""
    figures = dashboard.on_time()
    for w in figures["weeks"]:
        w["period_start"] = w["period_start"].isoformat()
    return {"counts": dashboard.counts(), **figures}
