"""items on pages."""
from __future__ import annotations

from ..blueprints import pages as bp  # noqa: F401
