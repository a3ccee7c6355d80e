"""flask-smorest's Blueprint with argument schemas instantiated once, not per request
(webargs builds a fresh schema from a class on every call; a schema holds no request state)."""
from __future__ import annotations

import flask_smorest
from marshmallow import Schema


class Blueprint(flask_smorest.Blueprint):
    def arguments(self, schema, *args, **kwargs):
        if isinstance(schema, type) and issubclass(schema, Schema):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
