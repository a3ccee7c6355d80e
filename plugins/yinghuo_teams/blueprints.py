"""The plugin's two blueprints, shared by its feature packages as the kernel's rooms share
``tenant_api``: each package's ``api.py`` and ``pages.py`` add their routes to them."""
from __future__ import annotations

from importlib import import_module

from flask import Blueprint as PageBlueprint
from yinghuo.api import Blueprint

#: mounted at /t/<slug>/api/v1/teams/
api = Blueprint("teams_api", __name__, description="University teams: squads, reports, archives, recruitment, "
                "evaluation")
#: mounted at /t/<slug>/teams/; templates in templates/teams/
pages = PageBlueprint("teams_pages", __name__, template_folder="templates")

FEATURES = ("squads", "reports", "archive", "recruitment", "evaluation", "project")


def load_routes() -> tuple:
    """Import every feature's routes (once) and give the two blueprints."""
    for feature in FEATURES:
        import_module(f"yinghuo_teams.{feature}.api")
        import_module(f"yinghuo_teams.{feature}.pages")
    return api, pages
