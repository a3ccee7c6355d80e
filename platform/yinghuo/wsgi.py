"""WSGI entry for gunicorn: ``gunicorn yinghuo.wsgi:app``."""
import gc
import sys

from .app import create_app
from .config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one clear line instead of a traceback
    sys.stderr.write(f"yinghuo: configuration error: {exc}\n")
    raise SystemExit(2)

# Everything loaded so far (modules, mappers, plugins) lives as long as the process: out of
# the collector's sight, so that full collections no longer walk it on the request path.
gc.collect()
gc.freeze()
