"""The plugin's two blueprints, shared by its feature packages as the kernel's rooms share
``tenant_api``: each package's ``api.py`` and ``pages.py`` add their routes to them, and
its templates stand beside it in ``<feature>/templates/teams/``."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from yinghuo.api import Blueprint, FeaturePages

HERE = Path(__file__).parent
FEATURES = ("squads", "reports", "archive", "recruitment", "evaluation", "project")

#: mounted at /t/<slug>/api/v1/teams/
api = Blueprint("teams_api", __name__, description="University teams: squads, reports, archives, recruitment, "
                "evaluation")
#: mounted at /t/<slug>/teams/
pages = FeaturePages("teams_pages", __name__, root=HERE, features=FEATURES)


def load_routes() -> tuple:
    """Import every feature's routes (once) and give the two blueprints."""
    for feature in FEATURES:
        import_module(f"yinghuo_teams.{feature}.api")
        import_module(f"yinghuo_teams.{feature}.pages")
    return api, pages
