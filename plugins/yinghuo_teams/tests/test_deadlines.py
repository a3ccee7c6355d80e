"""Deadlines in the tenant's time zone (Asia/Shanghai): Sunday 22:00 local is 14:00 UTC;
the overdue list turns over at that moment; reminders go once per squad and period even
when the job runs twice; a tenant without the plugin gets none of its jobs."""
from datetime import date, datetime, timezone

import pytest
from yinghuo.api import inbox
from yinghuo.testing import CHINA

BASE = "/t/uni/api/v1/teams"


#: the calendar (weeks, periods, deadlines) is this module's subject: its dates are read
#: under a frozen clock, a Wednesday in the week of 2026-11-23
pytestmark = pytest.mark.time_machine(datetime(2026, 11, 25, 10, tzinfo=CHINA))


@pytest.fixture
def uni(make_tenant, make_member, login, client, app):
    tid = make_tenant("uni", kind="university", plugins=["teams"], admin="admin@uni.test",
                      settings={"unit_types": ["group"]})
    admin = login("uni", "admin@uni.test")
    archive = client.post("/t/uni/api/v1/units", json={"name": "档案组", "type": "group"}, headers=admin).get_json()
    leader = make_member("uni", "lead@uni.test", name="队长")
    reviewer = make_member("uni", "arch@uni.test", name="档案员", unit_id=archive["id"])
    squad = client.post(f"{BASE}/squads", json={"name": "第一小队"}, headers=admin).get_json()["id"]
    client.post(f"{BASE}/squads/{squad}/members", json={"member_id": leader, "leader": True}, headers=admin)
    return {"tid": tid, "squad": squad, "leader": leader, "reviewer": reviewer,
            "leader_headers": login("uni", "lead@uni.test")}


@pytest.fixture
def run(in_tenant):
    """``run(fn)``: what ``fn`` returns when called inside the university tenant."""
    def call(fn):
        with in_tenant("uni"):
            return fn()
    return call


def test_weekly_deadline_is_sunday_22_00_china_time(run, uni):
    from yinghuo_teams.reports import deadlines
    due = run(lambda: deadlines.deadline("weekly", date(2026, 11, 23)))
    assert due.astimezone(timezone.utc) == datetime(2026, 11, 29, 14, 0, tzinfo=timezone.utc)
    # Monday 00:30 in China is still Sunday in UTC: the period is already the new week
    period = run(lambda: deadlines.period_of(
        "weekly", datetime(2026, 11, 29, 16, 30, tzinfo=timezone.utc)))
    assert period == date(2026, 11, 30)


def test_overdue_turns_over_at_the_deadline(run, uni):
    from yinghuo_teams.reports import deadlines
    before = datetime(2026, 11, 29, 13, 59, tzinfo=timezone.utc)   # Sunday 21:59 in China
    after = datetime(2026, 11, 29, 14, 1, tzinfo=timezone.utc)     # Sunday 22:01
    late_before = run(lambda: deadlines.overdue("weekly", before))
    late_after = run(lambda: deadlines.overdue("weekly", after))
    assert [r["period_start"] for r in late_before] == [date(2026, 11, 16)]  # the week before is late
    assert [r["period_start"] for r in late_after] == [date(2026, 11, 23)]


def test_filed_report_is_not_overdue(run, client, uni):
    from yinghuo_teams.reports import deadlines
    r = client.post(f"{BASE}/squads/{uni['squad']}/reports", json={
        "kind": "weekly", "period_start": "2026-11-23", "title": "小结", "sections": {}}, headers=uni["leader_headers"])
    client.post(f"{BASE}/reports/{r.get_json()['id']}/submit", json={}, headers=uni["leader_headers"])
    after = datetime(2026, 11, 29, 14, 1, tzinfo=timezone.utc)
    assert run(lambda: deadlines.overdue("weekly", after)) == []


def _inbox_titles(run, member_id):
    return run(lambda: [n.params.get("title") for n in inbox(member_id)[0]])


def test_reminders_go_once_per_squad_and_period_even_when_the_job_runs_twice(run, uni):
    from yinghuo_teams.reports import deadlines
    saturday_night = "2026-11-28T23:00:00+08:00"   # within 24 h of Sunday 22:00
    first = run(lambda: deadlines.remind(uni["tid"], now=saturday_night))
    second = run(lambda: deadlines.remind(uni["tid"], now=saturday_night))
    assert first >= 1 and second == 0
    assert _inbox_titles(run, uni["leader"]).count("报告即将截止") == 1
    # last week's summary and last month's brief are both late: one notice each, not two
    assert _inbox_titles(run, uni["reviewer"]).count("小队报告逾期") == 2


def test_the_reminder_job_runs_only_for_tenants_with_the_plugin(uni, make_tenant, run_periodic_jobs):
    other = make_tenant("plain")
    [ran] = run_periodic_jobs("teams").values()
    assert ran == [uni["tid"]] and other not in ran


def test_overdue_api(client, uni):
    rows = client.get(f"{BASE}/overdue?kind=weekly", headers=uni["leader_headers"]).get_json()
    assert [r["squad"] for r in rows] == ["第一小队"]
