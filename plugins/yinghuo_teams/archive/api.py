"""The archive routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask.views import MethodView
from yinghuo.api import current_member, db, gate

from .. import downloads
from ..archive import services as archive
from ..blueprints import api as blp
from ..reports.api import attachment_out
from .schemas import ArchiveExportSchema, ArchiveSchema, NewVillageSchema, VillageSchema


@blp.route("/villages")
class Villages(MethodView):
    @gate.member
    @blp.response(200, VillageSchema(many=True))
    def get(self):
        """Villages with their township, county and current squad."""
        return archive.villages()

    @gate.permission("teams.admin")
    @blp.arguments(NewVillageSchema)
    @blp.response(201, VillageSchema)
    def post(self, data):
        """Add a village (and its township and county) to the org tree."""
        village = archive.create_village(**data)
        db.session.commit()
        return archive.village_view(village)


@blp.route("/villages/<int:village_id>/archive")
@gate.member
@blp.response(200, ArchiveSchema)
def village_archive(village_id):
    """Everything accepted for the village in time order, with who served there."""
    data = archive.contents(village_id)
    for r in data["reports"]:
        r["files"] = [attachment_out(f) for f in r["files"]]
    return data


@blp.route("/villages/<int:village_id>/exports", methods=["POST"])
@gate.permission("teams.manage")
@blp.response(202, ArchiveExportSchema)
def archive_export(village_id):
    """Start the export (PDF and .zip) as a job; poll exports/<id> for progress."""
    export = archive.start_export(village_id, by=current_member())
    db.session.commit()
    return archive.get_export(export.id)


@blp.route("/exports/<int:export_id>")
@gate.permission("teams.manage")
@blp.response(200, ArchiveExportSchema)
def archive_export_status(export_id):
    """Progress of an archive export."""
    return archive.get_export(export_id)


@blp.route("/exports/<int:export_id>/<any(pdf, zip):kind>")
@gate.permission("teams.manage")
@blp.response(200, content_type="application/octet-stream", description="application/pdf or application/zip")
def archive_export_file(export_id, kind):
    """The archive as one PDF, or the .zip of its documents."""
    return downloads.send(archive.download(export_id, kind))
