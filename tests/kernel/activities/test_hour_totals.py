"""The kept totals of approved minutes (issue 18): every approval, void, correction and
rejection through the API moves them in the same transaction, they agree with a sum over the
records, a planted drift is found by ``yinghuo totals check`` and mended by ``rebuild``, and a
tenant never reads another's."""
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from yinghuo.db.context import tenant_scope
from yinghuo.hours import totals
from yinghuo.hours.models import periods_of

BASE = "/t/county/api/v1"


def _record(client, county, member, minutes, day, approve=True):
    r = client.post(f"{BASE}/hours", json={"member_id": member, "minutes": minutes, "served_on": day.isoformat(),
                                           "content": "服务", "note": "村委会记录"}, headers=county["leader"])
    assert r.status_code == 201, r.get_json()
    if approve:
        assert client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"]).status_code == 200
    return r.get_json()["id"]


def _kept(app, slug="county") -> dict:
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        with tenant_scope(get_tenant(slug).id):
            return totals.stored()


def _tenant(app, slug="county") -> int:
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        return get_tenant(slug).id


def test_every_change_of_a_record_moves_the_totals_with_it(app, client, county, make_member, clock):
    today = date.fromisoformat(clock.day())
    last_month = today.replace(day=1) - timedelta(days=1)
    a, b = make_member("county", "a@county.test", name="甲"), make_member("county", "b@county.test", name="乙")
    first = _record(client, county, a, 120, today)
    _record(client, county, a, 60, last_month)
    _record(client, county, b, 30, today)
    waiting = _record(client, county, b, 45, today, approve=False)           # pending: not counted
    month, year = periods_of(today)[0], periods_of(today)[2]
    kept = _kept(app)
    assert kept[(a, month)] == 120 and kept[(a, "all")] == 180 and kept[(b, "all")] == 30
    assert kept[(a, periods_of(last_month)[0])] == 60 and (b, periods_of(last_month)[0]) not in kept

    # a correction voids the record and adds a new pending one; its approval counts the new minutes
    r = client.post(f"{BASE}/hours/{first}/correct", json={"minutes": 90, "reason": "提前离场"}, headers=county["admin"])
    assert r.status_code in (200, 201), r.get_json()
    assert (a, month) not in _kept(app) and _kept(app)[(a, "all")] == 60   # voided; the new one waits
    pending = client.get(f"{BASE}/hours?status=pending", headers=county["admin"]).get_json()
    for record in pending:
        if record["id"] != waiting:
            client.post(f"{BASE}/hours/{record['id']}/approve", json={}, headers=county["admin"])
    assert _kept(app)[(a, month)] == 90 and _kept(app)[(a, "all")] == 150
    # rejecting a pending record changes nothing; voiding an approved one takes it off
    client.post(f"{BASE}/hours/{waiting}/reject", json={"reason": "未到场"}, headers=county["admin"])
    assert _kept(app)[(b, year)] == 30
    approved_b = [r for r in client.get(f"{BASE}/hours?status=approved", headers=county["admin"]).get_json()
                  if r["member_id"] == b]
    r = client.post(f"{BASE}/hours/{approved_b[0]['id']}/void", json={"reason": "重复登记"}, headers=county["admin"])
    assert r.status_code == 200, r.get_json()
    assert (b, "all") not in _kept(app)                                      # at zero: left out
    with app.app_context():
        assert totals.drift(_tenant(app)) == []


def _cli(app, monkeypatch, *args):
    from yinghuo.cli import cli
    from yinghuo.testing import cli_env
    for name, value in cli_env(app).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    return CliRunner().invoke(cli, list(args))


def test_planted_drift_is_found_and_the_rebuild_mends_it(app, client, county, make_member, clock, raw_sql, monkeypatch):
    today = date.fromisoformat(clock.day())
    a = make_member("county", "a@county.test", name="甲")
    _record(client, county, a, 120, today)
    assert _cli(app, monkeypatch, "totals", "check").exit_code == 0
    raw_sql("UPDATE hour_totals SET minutes = minutes + 7 WHERE member_id = :m AND period = 'all'", m=a)
    raw_sql("DELETE FROM hour_totals WHERE member_id = :m AND period = :p", m=a, p=periods_of(today)[0])
    found = _cli(app, monkeypatch, "totals", "check")
    assert found.exit_code == 2, found.output
    assert f"county: member {a} all: kept 127, records 120" in found.output
    assert f"county: member {a} {periods_of(today)[0]}: kept 0, records 120" in found.output
    assert found.output.strip().splitlines()[-1].startswith("error: 2 kept total(s) disagree")
    mended = _cli(app, monkeypatch, "totals", "rebuild", "--tenant", "county")
    assert mended.exit_code == 0 and "county: 4 total(s) made again" in mended.output, mended.output
    assert _cli(app, monkeypatch, "totals", "check").exit_code == 0
    assert _kept(app)[(a, "all")] == 120


def test_a_tenant_reads_only_its_own_totals(app, client, county, make_tenant, make_member, clock, raw_sql):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security")
    today = date.fromisoformat(clock.day())
    _record(client, county, make_member("county", "a@county.test"), 60, today)
    other = make_tenant("other")
    assert raw_sql.scalar("SELECT count(*) FROM hour_totals WHERE tenant_id = :t", t=_tenant(app)) == 4
    from yinghuo.extensions import db
    with app.app_context():
        with tenant_scope(other):
            assert db.session.execute(text("SELECT count(*) FROM hour_totals")).scalar() == 0
            forced = db.session.execute(text("SELECT relforcerowsecurity FROM pg_class "
                                             "WHERE relname = 'hour_totals'")).scalar()
    assert forced is True


def test_the_dashboard_sums_each_subtree_from_grouped_reads(app, client, county, make_member, clock):
    """The dashboard's figures by top-level unit equal the sums over each subtree's records."""
    from yinghuo.snapshots import dashboard_figures
    today = date.fromisoformat(clock.day())
    town = client.post(f"{BASE}/units", json={"name": "城关镇", "type": "town"}, headers=county["admin"]).get_json()
    village = client.post(f"{BASE}/units", json={"name": "东关村", "type": "village", "parent_id": town["id"]},
                          headers=county["admin"]).get_json()
    a = make_member("county", "a@county.test", name="甲", unit_id=village["id"])
    b = make_member("county", "b@county.test", name="乙", unit_id=town["id"])
    c = make_member("county", "c@county.test", name="丙")
    for member, minutes in ((a, 60), (b, 30), (c, 15)):
        _record(client, county, member, minutes, today)
    _record(client, county, a, 100, today.replace(day=1) - timedelta(days=1))   # last month: not this month's
    with app.app_context(), tenant_scope(_tenant(app)):
        figures = dashboard_figures()
    rows = {r["unit"]: (r["members"], r["minutes"]) for r in figures["rows"]}
    assert rows["城关镇"] == (2, 90) and rows["东关村"] == (1, 60)
    assert figures["totals"]["minutes"] == 105 and figures["totals"]["members"] == 6   # with the fixture's three
    assert figures["peak"] == 90


def test_two_approvals_of_one_members_months_wait_for_each_other_instead_of_deadlocking(app, client, county,
                                                                                         make_member, clock):
    """A approves this month's record and holds it; B approves one of last month's; then A
    approves another of last month's. Taken month first, B held last month's row and waited
    for A's year (or 'all'), A waited for B's month: PostgreSQL failed one of them. Taken
    'all' first (migration 0020), B waits for A from its first row and both go through."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time")
    import threading

    from yinghuo.extensions import db
    today = date.fromisoformat(clock.day())
    last_month = today.replace(day=1) - timedelta(days=1)
    member = make_member("county", "m@county.test", name="丙")
    now_id = _record(client, county, member, 60, today, approve=False)
    then_b = _record(client, county, member, 30, last_month, approve=False)
    then_a = _record(client, county, member, 20, last_month, approve=False)
    approve = "UPDATE hour_records SET status = 'approved' WHERE id = :id"
    outcome = {}
    with app.app_context():
        engine = db.engine

        def b():
            try:
                with engine.begin() as conn:
                    conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                    outcome["b_pid"] = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                    conn.execute(text(approve), {"id": then_b})
                outcome["b"] = "ok"
            except Exception as exc:   # what a deadlock looks like from B's side
                outcome["b"] = repr(exc)

        with engine.connect() as a:
            a.execute(text("SET LOCAL lock_timeout = '20s'"))
            a.execute(text(approve), {"id": now_id})
            other = threading.Thread(target=b)
            other.start()
            for _ in range(100):   # until B waits on a lock A holds
                pid = outcome.get("b_pid")
                if pid and a.exec_driver_sql(f"SELECT wait_event_type FROM pg_stat_activity WHERE pid = {pid}").scalar() == "Lock":
                    break
                a.exec_driver_sql("SELECT pg_sleep(0.05)")   # not time.sleep: it fails under faketime
            else:
                pytest.fail(f"B never waited for A: {outcome}")
            try:
                a.execute(text(approve), {"id": then_a})
                a.commit()
                outcome["a"] = "ok"
            except Exception as exc:
                outcome["a"] = repr(exc)
            other.join(30)
    assert outcome.get("a") == "ok" and outcome.get("b") == "ok", outcome
    kept = _kept(app)
    month, last = periods_of(today)[0], periods_of(last_month)[0]
    assert (kept[(member, month)], kept[(member, last)], kept[(member, "all")]) == (60, 50, 110)
    assert totals_agree(app)


def totals_agree(app) -> bool:
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        with tenant_scope(get_tenant("county").id):
            return totals.stored() == totals.expected()


def test_the_record_list_counts_its_total_only_up_to_a_cap(client, county, make_member, clock, monkeypatch):
    """GET hours: exact totals up to RECORDS_COUNTED (here 3), past it the cap and an
    estimated header; a page that holds all of them needs no count."""
    from yinghuo.hours import api
    monkeypatch.setattr(api, "RECORDS_COUNTED", 3)
    member = make_member("county", "m@county.test", name="丁")
    today = date.fromisoformat(clock.day())
    for minutes in (10, 20, 30):
        _record(client, county, member, minutes, today, approve=False)

    def listed(**query):
        r = client.get(f"{BASE}/hours", query_string={"status": "pending", **query}, headers=county["admin"])
        return len(r.get_json()), r.headers["X-Total-Count"], r.headers.get("X-Total-Count-Estimated")
    assert listed() == (3, "3", None) and listed(per_page=2) == (2, "3", None)
    _record(client, county, member, 40, today, approve=False)
    assert listed(per_page=2) == (2, "3", "true") and listed(per_page=2, page=2) == (2, "3", "true")
    assert listed() == (4, "4", None)     # all on the page: counted by being there
