"""The plugin's two blueprints, shared by its feature packages (see docs/plugins.md)."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from yinghuo.api import Blueprint, FeaturePages

HERE = Path(__file__).parent
FEATURES = ("contests", "entries", "voting", "judging", "results", "honours")

#: mounted at /t/<slug>/api/v1/competitions/
api = Blueprint("competitions_api", __name__, description="Competitions: entries, review, voting, judging, results")
#: mounted at /t/<slug>/competitions/
pages = FeaturePages("competitions_pages", __name__, root=HERE, features=FEATURES)


def load_routes() -> tuple:
    for feature in FEATURES:
        import_module(f"yinghuo_competitions.{feature}.api")
        import_module(f"yinghuo_competitions.{feature}.pages")
    return api, pages
