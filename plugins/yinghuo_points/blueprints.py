"""The plugin's two blueprints, shared by its feature packages (see docs/plugins.md)."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from yinghuo.api import Blueprint, FeaturePages

HERE = Path(__file__).parent
FEATURES = ("ledger", "households", "items", "shops", "orders", "merchants", "reports")

#: mounted at /t/<slug>/api/v1/points/
api = Blueprint("points_api", __name__, description="Points: a tamper-evident ledger of good deeds")
#: mounted at /t/<slug>/points/
pages = FeaturePages("points_pages", __name__, root=HERE, features=FEATURES)


def load_routes() -> tuple:
    for feature in FEATURES:
        import_module(f"yinghuo_points.{feature}.api")
        import_module(f"yinghuo_points.{feature}.pages")
    return api, pages
