"""Personal data leaves only to whom it was made for, and every download is recorded (issue 16:
a unit admin downloaded a tenant admin's export with full numbers, with no reason asked and no
record of it)."""
from sqlalchemy import select

BASE = "/t/alpha/api/v1"


def _audited(app, action: str) -> list:
    from yinghuo.audit import AuditEntry
    from yinghuo.db.context import unscoped
    from yinghuo.extensions import db
    with app.app_context(), unscoped("test reads the audit log", operator=True):
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.id)).all()


def test_an_export_with_full_numbers_is_its_makers_and_each_download_is_recorded(
        app, client, make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    town = client.post(f"{BASE}/units", json={"name": "城关镇", "type": "town"},
                       headers=login("alpha", "admin@alpha.test")).get_json()["id"]
    ua = make_member("alpha", "ua@alpha.test", name="镇管理员")
    admin = login("alpha", "admin@alpha.test")
    client.put(f"{BASE}/members/{ua}/roles", json={"roles": [{"role": "unit_admin", "unit_id": town}]}, headers=admin)
    unit_admin = login("alpha", "ua@alpha.test")
    job = client.post(f"{BASE}/exports", json={"kind": "members", "reveal": True, "reason": "民政局核对"},
                      headers=admin).get_json()
    assert job["status"] == "done"
    for path in (f"{BASE}/exports/{job['id']}", f"{BASE}/exports/{job['id']}/file"):
        assert client.get(path, headers=unit_admin).status_code == 404, path
    assert client.get(f"/t/alpha/admin/exports/{job['id']}.xlsx").status_code != 200
    assert _audited(app, "export.download") == []
    assert client.get(f"{BASE}/exports/{job['id']}/file", headers=admin).status_code == 200
    own = client.post(f"{BASE}/exports", json={"kind": "members"}, headers=unit_admin).get_json()
    assert client.get(f"{BASE}/exports/{own['id']}/file", headers=unit_admin).status_code == 200
    assert client.get(f"{BASE}/exports/{own['id']}/file", headers=admin).status_code == 200  # a tenant admin may
    downloads = _audited(app, "export.download")
    assert [(d.target_id, d.actor) for d in downloads] == [
        (str(job["id"]), "admin@alpha.test"), (str(own["id"]), "ua@alpha.test"), (str(own["id"]), "admin@alpha.test")]
    assert downloads[0].after == {"kind": "members", "reveal": True}
