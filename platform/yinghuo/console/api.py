"""Operator API: /api/v1/tenants (and /api/v1/auth/token for operators)."""
from __future__ import annotations

from flask.views import MethodView
from ..smorest import Blueprint

from sqlalchemy import select

from ..errors import Forbidden
from ..extensions import db
from .. import gate
from ..people import auth
from ..people.schemas import LoginSchema, TokenSchema
from ..people.services import make_admin
from ..tenancy import services
from ..tenancy.models import Tenant
from ..tenancy.schemas import RollupSchema, TenantPatchSchema, TenantSchema

blp = Blueprint("operator_api", __name__, url_prefix="/api/v1", description="Operator API")


def tenant_out(tenant) -> dict:
    return {"id": tenant.id, **services.tenant_snapshot(tenant)}


@blp.route("/auth/token", methods=["POST"])
@gate.public
@blp.arguments(LoginSchema)
@blp.response(201, TokenSchema)
def operator_token(data):
    """Operator login: returns a bearer token for the operator API."""
    account = auth.authenticate(data["login"], data["password"], data["otp"])
    if not account.is_operator:
        raise Forbidden("Operators only")
    token = auth.issue_token(account, None)
    db.session.commit()
    return {"token": token, "token_type": "Bearer"}


@blp.route("/tenants")
class Tenants(MethodView):
    decorators = [gate.operator]

    @blp.response(200, TenantSchema(many=True))
    def get(self):
        """All tenants."""
        return [tenant_out(t) for t in db.session.scalars(select(Tenant).order_by(Tenant.slug))]

    @blp.arguments(TenantSchema)
    @blp.response(201, TenantSchema)
    def post(self, data):
        """Onboard a tenant with its plugins (and optionally its first admin) in one step."""
        tenant = services.create_tenant(**{k: data[k] for k in (
            "slug", "name", "kind", "parent", "plugins", "settings", "branding", "hosts")})
        if data.get("admin_email"):
            make_admin(tenant, email=data["admin_email"], password=data.get("admin_password"))
        db.session.commit()
        return tenant_out(tenant)


@blp.route("/tenants/<slug>")
class TenantItem(MethodView):
    decorators = [gate.operator]

    @blp.response(200, TenantSchema)
    def get(self, slug):
        """One tenant."""
        return tenant_out(services.get_tenant(slug))

    @blp.arguments(TenantPatchSchema)
    @blp.response(200, TenantSchema)
    def patch(self, data, slug):
        """Change name, branding, settings, plugins or status (suspend/resume)."""
        tenant = services.update_tenant(services.get_tenant(slug), data)
        db.session.commit()
        return tenant_out(tenant)


@blp.route("/tenants/<slug>/rollup")
@gate.operator
@blp.response(200, RollupSchema(many=True))
def tenant_rollup(slug):
    """Counts per child of a hub tenant."""
    return services.rollup(services.get_tenant(slug))
