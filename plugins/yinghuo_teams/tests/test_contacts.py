"""First secretaries' and applicants' mobile numbers only to those who need them (issue 16:
volunteers read the secretaries' full mobiles, unit admins every applicant's)."""
BASE = "/t/uni/api/v1/teams"


def test_secretaries_numbers_are_masked_but_for_their_squads_leader_and_the_managers(client, project, clock):
    wang = project["post"]("/secretaries", {"name": "王书记", "post": "第一书记", "contact": "13912345678"})["id"]
    project["post"](f"/squads/{project['squads']['a']}/pairings",
                    {"secretary_id": wang, "village_id": project["villages"]["乌兰村"], "starts_on": clock.day(-10)})

    def seen_by(who):
        listed = client.get(f"{BASE}/secretaries", headers=project[who]).get_json()
        return [s["contact"] for s in listed if s["name"] == "王书记"]
    assert seen_by("mate_a") == seen_by("lead_b") == ["139****5678"]
    assert seen_by("lead_a") == seen_by("admin") == ["13912345678"]


def test_applicants_numbers_are_masked_and_read_in_full_with_a_reason(client, project, raw_sql):
    r = client.post(f"{BASE}/applications", json={"name": "张晓雨", "phone": "15871000001", "school": "北疆大学",
                                                   "major": "农学", "year": "大二", "statement": "想去村里。"})
    assert r.status_code == 201, r.get_json()
    listed = client.get(f"{BASE}/applications", headers=project["admin"]).get_json()
    assert [a["phone"] for a in listed] == ["158****0001"]
    app_id = listed[0]["id"]
    refused = client.post(f"{BASE}/applications/{app_id}/contact", json={"reason": ""}, headers=project["admin"])
    assert refused.status_code == 422
    assert client.post(f"{BASE}/applications/{app_id}/contact", json={"reason": "约面试时间"},
                       headers=project["mate_a"]).status_code == 403
    full = client.post(f"{BASE}/applications/{app_id}/contact", json={"reason": "约面试时间"}, headers=project["admin"])
    assert full.get_json() == {"phone": "15871000001"}
    assert raw_sql("UPDATE audit_log SET reason = reason WHERE action = 'teams.application.contact' "
                   "AND reason = '约面试时间' AND target_id = :id", id=str(app_id)) == 1  # audited, with the reason
