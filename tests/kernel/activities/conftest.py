import pytest
from datetime import datetime, timedelta, timezone


def iso(dt: datetime) -> str:
    return dt.isoformat()


@pytest.fixture
def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def county(make_tenant, make_member, login):
    """A tenant with an admin, a leader and a volunteer; returns their auth headers."""
    make_tenant("county", admin="admin@county.test")
    make_member("county", "lead@county.test", roles=["leader", "volunteer"], name="队长")
    make_member("county", "vol@county.test", name="志愿者甲")
    return {"admin": login("county", "admin@county.test"), "leader": login("county", "lead@county.test"),
            "vol": login("county", "vol@county.test")}


@pytest.fixture
def make_activity(client, county, now):
    """``make_activity(capacity=…, publish=True, **fields)`` -> activity JSON."""
    def make(*, publish=True, headers=None, **fields):
        body = {"title": "周末敬老院陪伴", "category": "文化服务", "capacity": 10,
                "starts_at": iso(now + timedelta(days=3)), "ends_at": iso(now + timedelta(days=3, hours=3)),
                **fields}
        r = client.post("/t/county/api/v1/activities", json=body, headers=headers or county["leader"])
        assert r.status_code == 201, r.get_json()
        activity = r.get_json()[0]
        if publish:
            r = client.post(f"/t/county/api/v1/activities/{activity['id']}/publish", json={},
                            headers=county["leader"])
            assert r.status_code == 200, r.get_json()
            activity = r.get_json()
        return activity
    return make


@pytest.fixture
def people(app):
    """``people(n)`` -> ids of n members of the county without phones (signed up by a leader)."""
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people.services import add_member
    from yinghuo.tenancy.services import get_tenant

    def make(n, prefix="村民"):
        with app.app_context():
            tenant = get_tenant("county")
            with tenant_scope(tenant.id):
                ids = [add_member(tenant, {"name": f"{prefix}{i}"}).id for i in range(n)]
                db.session.commit()
        return ids
    return make
