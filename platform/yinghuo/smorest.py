"""flask-smorest, as the kernel uses it: the API object documents the errors the app really
sends and who may call each operation; the Blueprint builds argument schemas once and checks
every loaded value (``yinghuo.inputs``)."""
from __future__ import annotations

import flask_smorest
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

from . import inputs


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable reason, e.g. invalid, not_found"})
    message = fields.String(required=True, metadata={"description": "what went wrong, in English"})
    reasons = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True, data_key="fields",
                          metadata={"description": "field name -> its reasons (lists, or nested for lists of objects)"})


class ErrorSchema(Schema):
    """Every error the API answers: ``{"error": {"code", "message", "fields"}}``."""

    error = fields.Nested(ErrorDetailSchema, required=True)


#: the security requirement of operations that need a bearer token
BEARER = [{"bearer": []}]


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.spec.components.security_scheme("bearer", {
            "type": "http", "scheme": "bearer",
            "description": "A token from POST /t/{tenant}/api/v1/auth/token (a tenant's API) or "
                           "POST /api/v1/auth/token (the operators' API)."})


class Parser(FlaskParser):
    """webargs' Flask parser, with every loaded value checked as pages check theirs."""

    def _raw_load_json(self, req):
        from webargs import core
        body = inputs.json_body()
        return core.missing if body is inputs.UNSET else body

    def parse(self, *args, **kwargs):
        result = super().parse(*args, **kwargs)
        inputs.check_loaded(result)
        return result


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, *args, **kwargs):
        if isinstance(schema, type) and issubclass(schema, Schema):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        """Each operation says whether it needs a token, from the gate its view declared."""
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        for method, doc in self._docs[endpoint].items():
            if method == "parameters":
                continue
            view = getattr(obj, method) if isinstance(obj, type) else obj
            declared = getattr(view, "gate", None)
            public = declared is not None and declared.kind == "public"
            manual = doc.setdefault("manual_doc", {})
            manual.setdefault("security", [] if public else BEARER)
            if declared is not None and declared.kind == "permission":
                manual.setdefault("x-permission", declared.permission)
