"""WSGI entry for gunicorn: ``gunicorn yinghuo.wsgi:app``."""
import sys

from .app import create_app
from .config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one clear line instead of a traceback
    sys.stderr.write(f"yinghuo: configuration error: {exc}\n")
    raise SystemExit(2)
