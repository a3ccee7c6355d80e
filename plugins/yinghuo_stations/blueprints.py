"""The plugin's two blueprints, shared by its feature packages: each package's ``api.py``
and ``pages.py`` add their routes; templates stand in ``<feature>/templates/stations/``."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from yinghuo.api import Blueprint, FeaturePages

HERE = Path(__file__).parent
FEATURES = ("demands", "slips", "letterboxes", "sites", "menus", "ledgers", "rankings")

#: mounted at /t/<slug>/api/v1/stations/
api = Blueprint("stations_api", __name__, description="Township stations: residents' demands, dispatch, rating")
#: mounted at /t/<slug>/stations/
pages = FeaturePages("stations_pages", __name__, root=HERE, features=FEATURES)


def load_routes() -> tuple:
    for feature in FEATURES:
        import_module(f"yinghuo_stations.{feature}.api")
        import_module(f"yinghuo_stations.{feature}.pages")
    return api, pages
