"""The anomaly report flags 300 votes from 3 addresses and leaves 300 from 300 alone; the
results wait for its decisions; voided votes leave the ranking; published results carry
awards, an .xlsx and certificates that /verify answers for."""
import subprocess

import pytest

from .conftest import BASE, accepted_entries, competition, set_stage


@pytest.fixture
def contest(client, hub, clock, operator):
    assert client.patch("/api/v1/tenants/hub", headers=operator, json={"settings": {"competitions": {
        "votes_per_day": 1000, "votes_per_entry_per_day": 100}}}).status_code == 200
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    ids = accepted_entries(client, hub, c, ["乡村儿童周末课堂", "银发手机课堂", "河道清洁行动"])
    set_stage(client, hub, clock, c, "voting", began=72)
    return {"c": c, "ids": ids}


def cast(in_tenant, entry_id, voters, ips, *, spread_hours=0, clock=None, time_machine=None):
    """Votes through the voting service, each voter once, from the given addresses in turn."""
    from yinghuo_competitions.voting import services
    for n, voter in enumerate(voters):
        if spread_hours:
            time_machine.move_to(clock.at(hours=-(spread_hours * n) // len(voters), hour=None), tick=True)
        with in_tenant("hub"):
            services.vote(entry_id, voter=voter, ip=ips[n % len(ips)])


def report(client, hub, c):
    r = client.get(f"{BASE}/{c['id']}/anomalies", headers=hub["admin"])
    assert r.status_code == 200, r.get_json()
    return {row["entry_id"]: row for row in r.get_json()}


def test_300_votes_from_3_addresses_are_flagged_and_300_from_300_are_not(client, hub, clock, contest, in_tenant,
                                                                       no_limits, time_machine):
    bought, popular, quiet = contest["ids"]
    cast(in_tenant, bought, [f"phone:b{i}" for i in range(300)], ["203.0.113.7", "203.0.113.8", "198.51.100.9"])
    # a popular project: 300 people from 300 networks over two days in daytime, voting for others too
    start = clock.at()
    moments = [clock.at(days=-1 - (n % 2), hour=9 + n % 10, minute=n % 60) for n in range(300)]
    for n in range(300):
        time_machine.move_to(moments[n], tick=True)
        with in_tenant("hub"):
            from yinghuo_competitions.voting import services
            services.vote(popular, voter=f"phone:p{n}", ip=f"10.{n // 250}.{n % 250}.1")
            if n % 3 == 0:
                services.vote(quiet, voter=f"phone:p{n}", ip=f"10.{n // 250}.{n % 250}.1")
    time_machine.move_to(start, tick=True)
    rows = report(client, hub, contest["c"])
    assert rows[bought]["flagged"] and {"few_ips", "few_subnets"} <= set(rows[bought]["signals"])
    assert rows[bought]["ips"] == 3 and rows[bought]["top_ips"][0][1] == 100
    assert not rows[popular]["flagged"], rows[popular]
    assert rows[quiet]["votes"] == 100 and not rows[quiet]["flagged"]


def test_results_wait_for_the_anomalies_and_voided_votes_leave_the_ranking(client, hub, clock, contest, in_tenant,
                                                                          no_limits, redis, raw_sql):
    bought, honest, third = contest["ids"]
    cast(in_tenant, bought, [f"phone:b{i}" for i in range(60)], ["203.0.113.7"])
    cast(in_tenant, honest, [f"phone:h{i}" for i in range(20)], [f"192.0.2.{i}" for i in range(20)])
    c = set_stage(client, hub, clock, contest["c"], "results", vote_weight=100, finalists_per_category=2,
                  awards={"first": 1, "second": 1, "third": 0})
    ranked = [r["entry_id"] for r in client.get(f"{BASE}/{c['id']}/ranking", headers=hub["admin"]).get_json()]
    assert ranked[:2] == [bought, honest]
    r = client.post(f"{BASE}/{c['id']}/results", headers=hub["admin"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "anomalies"
    assert client.get(f"{BASE}/{c['id']}/results").status_code == 404                   # nothing published
    r = client.post(f"{BASE}/{c['id']}/anomalies/{bought}", headers=hub["admin"],
                    json={"decision": "voided", "note": "同一地址 60 票", "ips": ["203.0.113.7"]})
    assert r.status_code == 200 and r.get_json()["voided_votes"] == 60
    assert client.get(f"{BASE}/{c['id']}/tally").get_json()[str(bought)] == 0          # the tally followed
    ranked = [r["entry_id"] for r in client.get(f"{BASE}/{c['id']}/ranking", headers=hub["admin"]).get_json()]
    assert ranked[0] == honest
    assert raw_sql("UPDATE audit_log SET reason = reason WHERE action = 'competitions.anomaly.voided' "
                   "AND reason = '同一地址 60 票'") == 1                                   # audited, with the reason
    published = client.post(f"{BASE}/{c['id']}/results", headers=hub["admin"])
    assert published.status_code == 201, published.get_json()
    rows = {r["entry_id"]: r for r in published.get_json()}
    assert rows[honest]["rank"] == 1 and rows[honest]["award"] == "first"
    assert rows[bought]["votes"] == 0 and rows[bought]["award"] == "second"             # still a finalist by rank
    assert client.post(f"{BASE}/{c['id']}/results", headers=hub["admin"]).status_code == 409   # once
    public = client.get(f"{BASE}/{c['id']}/results").get_json()
    assert [r["entry_id"] for r in public] == [honest, bought, third]
    code = rows[honest]["verify_path"].rsplit("/", 1)[1]
    verified = client.get(f"/verify/{code}?format=json").get_json()
    assert verified["genuine"] and verified["award"] == "first" and "乡村儿童周末课堂" not in verified["title"]
    assert "银发手机课堂" in verified["title"]
    assert client.get("/verify/not-a-code?format=json").status_code == 404
    xlsx = client.get(f"{BASE}/{c['id']}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["银发手机课堂", "乡村儿童周末课堂", "河道清洁行动"]
    page = client.get(f"/t/hub/competitions/{c['id']}/results")
    assert page.status_code == 200 and "一等奖" in page.get_data(as_text=True)
    pdf = client.get(f"{BASE}/entries/{honest}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert "银发手机课堂" in text and "一等奖" in text
    assert client.get(f"{BASE}/entries/{third}/certificate.pdf").status_code == 404    # no award, no certificate
    changed = client.put(f"{BASE}/{c['id']}", headers=hub["admin"], json={
        "name": "改名", "stages": {"submission": clock.iso(days=-9), "review": clock.iso(days=-8)}})
    assert changed.status_code == 409                                                   # results are final


def test_a_kept_decision_lets_the_results_through(client, hub, clock, contest, in_tenant, no_limits):
    bought = contest["ids"][0]
    cast(in_tenant, bought, [f"phone:b{i}" for i in range(40)], ["203.0.113.7"])
    c = set_stage(client, hub, clock, contest["c"], "results")
    bad = client.post(f"{BASE}/{c['id']}/anomalies/{bought}", headers=hub["admin"], json={"decision": "kept"})
    assert bad.status_code == 422 and "note" in bad.get_json()["error"]["fields"]
    assert client.post(f"{BASE}/{c['id']}/anomalies/{bought}", headers=hub["admin"],
                       json={"decision": "kept", "note": "同一学校机房集中投票，已核实"}).status_code == 200
    assert client.post(f"{BASE}/{c['id']}/results", headers=hub["admin"]).status_code == 201
    assert client.get(f"{BASE}/{c['id']}/tally").get_json()[str(bought)] == 40
