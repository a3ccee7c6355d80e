"""Entries: entered through the entrant's membership of the hub from a child tenant they
belong to, submitted with versions kept, editable until the deadline and frozen after it,
reviewed; nothing of the child tenant becomes visible to the hub."""
from .conftest import BASE, competition, entry_body


def test_an_entry_from_a_child_tenant_is_the_hubs_row_and_shows_nothing_of_the_child(client, hub, clock):
    c = competition(client, hub, clock)
    r = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub), headers=hub["lead"])
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert entry["from_tenant_id"] == hub["tenants"]["county"] and entry["status"] == "draft"
    other = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub, from_tenant_id=hub["tenants"]["uni"]),
                        headers=hub["lead"])
    assert other.status_code == 422 and "from_tenant_id" in other.get_json()["error"]["fields"]
    members = client.get("/t/hub/api/v1/members", headers=hub["admin"]).get_json()
    assert "县里另一人" not in [m["name"] for m in members]                     # the child's people stay there
    assert client.get(f"/t/hub/api/v1/members/{hub['county_member']}", headers=hub["admin"]).status_code == 404
    assert client.get(f"/t/county/api/v1/competitions/entries/{entry['id']}",
                      headers=hub["lead"]).status_code in (401, 403, 404)


def test_submitting_keeps_a_version_and_the_deadline_freezes_the_entry(client, hub, clock, time_machine):
    c = competition(client, hub, clock, review=+2)
    entry = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub), headers=hub["lead"]).get_json()
    assert client.post(f"{BASE}/entries/{entry['id']}/submit", headers=hub["lead"]).get_json()["version"] == 1
    r = client.patch(f"{BASE}/entries/{entry['id']}", json={"summary": "扩大到 30 个村"}, headers=hub["lead"])
    assert r.status_code == 200 and r.get_json()["summary"] == "扩大到 30 个村"
    assert client.post(f"{BASE}/entries/{entry['id']}/submit", headers=hub["lead"]).get_json()["version"] == 2
    versions = client.get(f"{BASE}/entries/{entry['id']}/versions", headers=hub["lead"]).get_json()
    assert [v["snapshot"]["summary"] for v in versions] == ["每周末为留守儿童开设课堂", "扩大到 30 个村"]
    time_machine.move_to(clock.at(days=3), tick=True)                          # past the deadline
    r = client.patch(f"{BASE}/entries/{entry['id']}", json={"summary": "改不了"}, headers=hub["lead"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "frozen"
    assert client.post(f"{BASE}/entries/{entry['id']}/submit", headers=hub["lead"]).status_code == 409
    late = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub), headers=hub["lead"])
    assert late.status_code == 409
    assert client.get(f"{BASE}/entries/{entry['id']}", headers=hub["lead"]).get_json()["version"] == 2


def test_review_accepts_rejects_with_a_reason_or_asks_for_changes(client, hub, clock):
    c = competition(client, hub, clock)
    entry = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub), headers=hub["lead"]).get_json()
    url = f"{BASE}/entries/{entry['id']}/decision"
    assert client.post(url, json={"decision": "accept"}, headers=hub["reviewer"]).status_code == 409   # a draft
    client.post(f"{BASE}/entries/{entry['id']}/submit", headers=hub["lead"])
    assert client.post(url, json={"decision": "accept"}, headers=hub["lead"]).status_code == 403
    r = client.post(url, json={"decision": "changes", "note": ""}, headers=hub["reviewer"])
    assert r.status_code == 422 and "note" in r.get_json()["error"]["fields"]
    long_note = "请补充实施计划。" * 125                                       # 1000 characters, the most allowed
    r = client.post(url, json={"decision": "changes", "note": long_note}, headers=hub["reviewer"])
    assert r.status_code == 200 and r.get_json()["status"] == "changes", r.get_json()
    assert client.get(f"{BASE}/entries/{entry['id']}", headers=hub["lead"]).get_json()["review_note"] == long_note
    client.patch(f"{BASE}/entries/{entry['id']}", json={"sections": {"implementation": "每周六上午两小时"}},
                 headers=hub["lead"])
    client.post(f"{BASE}/entries/{entry['id']}/submit", headers=hub["lead"])
    assert client.get(f"{BASE}/{c['id']}/entries").get_json() == []            # not yet accepted: not public
    assert client.post(url, json={"decision": "accept"}, headers=hub["reviewer"]).get_json()["status"] == "accepted"
    public = client.get(f"{BASE}/{c['id']}/entries?category=education").get_json()
    assert [e["title"] for e in public] == ["乡村儿童周末课堂"] and "sections" not in public[0]
    assert client.patch(f"{BASE}/entries/{entry['id']}", json={"summary": "x"}, headers=hub["lead"]).status_code == 409


def test_a_competition_checks_its_rules(client, hub, clock):
    r = client.post(f"{BASE}/", headers=hub["admin"], json={"name": "x", "stages": {
        "submission": clock.iso(days=5), "review": clock.iso(days=1)}})
    assert r.status_code == 422 and "stages.review" in r.get_json()["error"]["fields"]
    r = client.post(f"{BASE}/", headers=hub["admin"], json={"name": "x", "stages": {
        "submission": clock.iso(days=1), "review": clock.iso(days=5)}, "criteria": [
        {"key": "need", "max": 10, "weight": 60}, {"key": "results", "max": 10, "weight": 30}]})
    assert r.status_code == 422 and "criteria" in r.get_json()["error"]["fields"]
    assert client.post(f"{BASE}/", headers=hub["reviewer"], json={"name": "x", "stages": {
        "submission": clock.iso(days=1), "review": clock.iso(days=5)}}).status_code == 403
    hidden = competition(client, hub, clock, eligibility="members")
    r = client.post(f"{BASE}/", headers=hub["admin"], json={"name": "未发布", "stages": {
        "submission": clock.iso(days=1), "review": clock.iso(days=5)}})
    assert client.get(f"{BASE}/{r.get_json()['id']}").status_code == 404     # not published: not public
    assert [c["id"] for c in client.get(f"{BASE}/").get_json()] == [hidden["id"]]


def test_files_are_checked_by_their_content_and_frozen_with_the_entry(client, hub, clock, time_machine):
    import io
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    e = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub), headers=hub["lead"]).get_json()
    url = f"{BASE}/entries/{e['id']}/files"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    ok = client.post(url, headers=hub["lead"], data={"file": (io.BytesIO(pdf), "实施方案.pdf")})
    assert ok.status_code == 201 and ok.get_json()["kind"] == "pdf"
    renamed = client.post(url, headers=hub["lead"], data={"file": (io.BytesIO(b"MZ\x90\x00program"), "方案.pdf")})
    assert renamed.status_code == 422 and "file" in renamed.get_json()["error"]["fields"]
    lying = client.post(url, headers=hub["lead"], data={"file": (io.BytesIO(pdf), "照片.jpg")})
    assert lying.status_code == 422
    assert [f["filename"] for f in client.get(url, headers=hub["lead"]).get_json()] == ["实施方案.pdf"]
    got = client.get(f"{url}/{ok.get_json()['id']}", headers=hub["lead"])
    assert got.status_code == 200 and got.data == pdf
    assert client.get(url, headers=hub["admin"]).status_code == 200                    # the organisers
    time_machine.move_to(clock.at(days=+2), tick=True)                                  # after the deadline
    late = client.post(url, headers=hub["lead"], data={"file": (io.BytesIO(pdf), "补充.pdf")})
    assert late.status_code == 409
