"""The tenant API blueprint, /t/<slug>/api/v1/: kernel rooms add their routes to it."""
from .smorest import Blueprint

blp = Blueprint("tenant_api", __name__, url_prefix="/t/<tenant>/api/v1",
                description="Tenant API (kernel)")
