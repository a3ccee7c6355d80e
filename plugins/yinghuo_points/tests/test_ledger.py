"""The points ledger: hours credit once and a void reverses; an idempotency key posts once
and answers the first entry; no balance below zero unless the tenant allows it; the check
finds each planted tampering and names the entry."""
import pytest

from .conftest import BASE, adjust, balance, hours, set_points


def test_hook_hours_voided_reverses_what_hours_approved_credited_once(client, village, clock):
    record = hours(client, village, minutes=90, clock=clock)
    url = f"/t/village/api/v1/hours/{record}"
    assert client.post(f"{url}/approve", json={}, headers=village["admin"]).status_code == 200
    assert client.post(f"{url}/approve", json={}, headers=village["admin"]).status_code == 200   # again: once
    assert balance(client, village) == 15                                      # 1.5 h at 10 an hour
    mine = client.get(f"{BASE}/me", headers=village["granny"]).get_json()
    assert [(e["kind"], e["change"]) for e in mine["entries"]] == [("hours", 15)]
    assert client.post(f"{url}/void", json={"reason": "重复登记"}, headers=village["admin"]).status_code == 200
    assert balance(client, village) == 0
    kinds = [e["kind"] for e in client.get(f"{BASE}/me", headers=village["granny"]).get_json()["entries"]]
    assert kinds == ["hours_void", "hours"]
    assert client.post(f"{url}/void", json={"reason": "再次作废"}, headers=village["admin"]).status_code == 409
    # a correction voids the approved record (reversed) and enters a new pending one (no points yet)
    second = hours(client, village, minutes=60, clock=clock)
    client.post(f"/t/village/api/v1/hours/{second}/approve", json={}, headers=village["admin"])
    assert balance(client, village) == 10
    fixed = client.post(f"/t/village/api/v1/hours/{second}/correct", json={"minutes": 120, "reason": "少记了"},
                        headers=village["admin"])
    assert fixed.status_code == 201, fixed.get_json()
    assert balance(client, village) == 0
    client.post(f"/t/village/api/v1/hours/{fixed.get_json()['id']}/approve", json={}, headers=village["admin"])
    assert balance(client, village) == 20
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True


def test_the_same_key_twice_posts_once_and_answers_the_first_entry(client, village):
    first = adjust(client, village, 30, "k-1")
    again = adjust(client, village, 30, "k-1")
    assert again == first and balance(client, village) == 30
    adjust(client, village, 5, "k-2")
    assert balance(client, village) == 35


def test_no_deduction_below_zero_unless_the_tenant_allows_it(client, village, operator):
    adjust(client, village, 20, "a")
    refused = adjust(client, village, -25, "b", status=409)
    assert refused["error"]["code"] == "insufficient_points" and "20" in refused["error"]["message"]
    assert balance(client, village) == 20
    set_points(client, operator, allow_negative=True)
    adjust(client, village, -25, "c")
    assert balance(client, village) == -5
    assert "reason" in client.post(f"{BASE}/adjustments", headers={**village["admin"], "Idempotency-Key": "d"},
                                   json={"member_id": village["ids"]["granny"], "amount": 5, "reason": ""}
                                   ).get_json()["error"]["fields"]
    assert client.post(f"{BASE}/adjustments", headers={**village["clerk"], "Idempotency-Key": "e"}, json={
        "member_id": village["ids"]["granny"], "amount": 5, "reason": "x"}).status_code == 403


def _entries(client, village):
    for i, (who, amount) in enumerate([("granny", 10), ("uncle", 20), ("granny", 30), ("uncle", 40)]):
        adjust(client, village, amount, f"t-{i}", who=who)


TAMPERINGS = {
    "changed amount": ("UPDATE points_entries SET amount = amount + 100 WHERE seq = 2", "changed", 2),
    "deleted entry": ("DELETE FROM points_entries WHERE seq = 2", "missing", 3),
    "reordered entries": (["UPDATE points_entries SET seq = -2 WHERE seq = 2",
                           "UPDATE points_entries SET seq = 2 WHERE seq = 3",
                           "UPDATE points_entries SET seq = 3 WHERE seq = -2"], "link", 2),
    "inserted entry": ("INSERT INTO points_entries (tenant_id, id, seq, debit_account_id, credit_account_id, amount, "
                       "kind, source, source_id, note, created_at, prev_hash, hash) SELECT tenant_id, id + 100000, "
                       "5, debit_account_id, credit_account_id, 500, kind, 'adjust', 'forged', '', created_at, "
                       "hash, hash FROM points_entries WHERE seq = 4", "changed", 5),
}


@pytest.mark.parametrize("how", sorted(TAMPERINGS))
def test_the_check_finds_a_tampered_entry_and_names_it(app, client, village, raw_sql, how):
    _entries(client, village)
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True
    sql, reason, seq = TAMPERINGS[how]
    for statement in [sql] if isinstance(sql, str) else sql:
        raw_sql(statement)
    report = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert report["ok"] is False
    assert (report["broken"]["reason"], report["broken"]["seq"]) == (reason, seq), report


def test_the_check_finds_a_changed_cached_balance(client, village, raw_sql):
    _entries(client, village)
    raw_sql(f"UPDATE points_accounts SET balance = balance + 1000 WHERE member_id = {village['ids']['uncle']}")
    report = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert report["broken"] is None and report["balances"] == [
        {"account": f"member:{village['ids']['uncle']}", "cached": 1060, "ledger": 60}]


def test_the_nightly_job_records_the_head_and_tells_admins_of_a_fault(app, client, village, run_periodic_jobs,
                                                                       raw_sql):
    _entries(client, village)
    run_periodic_jobs("points")
    told = client.get("/t/village/api/v1/me/notifications", headers=village["admin"]).get_json()["items"]
    assert not told
    raw_sql("UPDATE points_entries SET amount = 1 WHERE seq = 1")
    run_periodic_jobs("points")
    told = client.get("/t/village/api/v1/me/notifications", headers=village["admin"]).get_json()["items"]
    assert len(told) == 1
    page = app.test_client()
    page.post("/t/village/login", data={"login": "admin@village.test", "password": "Passw0rd!x"})
    html = page.get("/t/village/points/ledger").get_data(as_text=True)
    assert "积分账本对不上" in html and "第 1 条" in html


def test_concurrent_deductions_never_overdraw_and_one_key_posts_once(app, client, village):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    import threading
    adjust(client, village, 100, "seed")
    barrier, codes = threading.Barrier(24), []

    def deduct(key):
        c = app.test_client()
        barrier.wait()
        codes.append(c.post(f"{BASE}/adjustments", headers={**village["admin"], "Idempotency-Key": key},
                            json={"member_id": village["ids"]["granny"], "amount": -10,
                                  "reason": "兑换"}).status_code)
    keys = [f"d-{i}" for i in range(16)] + ["same"] * 8
    threads = [threading.Thread(target=deduct, args=(k,)) for k in keys]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert balance(client, village) == 0                                       # ten deductions, never below
    assert codes.count(201) >= 10 and set(codes) <= {201, 409}
    report = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert report["ok"] is True and report["entries"] == 11                   # the seed and ten deductions


def test_points_of_someone_not_a_member_here_and_a_month_out_of_range_are_refused(client, village):
    assert client.get(f"{BASE}/members/999999999", headers=village["admin"]).status_code == 404
    for month in ("0000-01", "9999-12"):
        r = client.get(f"{BASE}/reports", query_string={"month": month}, headers=village["admin"])
        assert r.status_code == 422 and "month" in r.get_json()["error"]["fields"], month
