"""Demonstration data for a university tenant (``yinghuo demo``): squads from the squad
units, first secretaries, villages, pairings, weeks of reports in every state, media works,
training sessions, applications and a quarter of evaluations."""
from __future__ import annotations

import io
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from yinghuo.api import (
    activity_transition,
    create_activity,
    db,
    get_member,
    local_today,
    members_in_unit_named,
    members_with_role,
    units_of_type,
)

from .archive import services as archive
from .evaluation import services as evaluation
from .project import services as media_works
from .recruitment import services as recruitment
from .reports import attachments, deadlines
from .reports import services as reports
from .reports.models import Report, ReportReview
from .settings import settings
from .squads import services
from .squads.models import Squad

VILLAGES = [("乌兰村", "乌兰花镇", "四子王旗"), ("红旗村", "可可以力更镇", "武川县"), ("新胜村", "白音察干镇", "察哈尔右翼后旗")]
SECRETARIES = [("巴特尔", "自治区农牧厅驻乌兰村第一书记"), ("刘建国", "市科技局驻红旗村第一书记"),
               ("其其格", "旗委组织部驻新胜村第一书记")]
WORK = ["走访脱贫户 {n} 户，整理入户台账", "协助村委会开展防返贫监测信息核对", "为村小学开设 {n} 节科普课",
        "帮助合作社拍摄农产品短视频 {n} 条", "整理村史资料，访谈老党员 {n} 位", "协助开展医保缴费线上办理"]


def seed(tenant) -> str | None:
    """The demo: squads paired with villages, nine weeks of reports, media, trainings,
    applications and this quarter's scores (deterministic per tenant)."""
    if db.session.scalar(select(Squad.id).limit(1)) is not None:
        return "teams demo exists"
    admins = members_with_role("tenant_admin")
    if not admins:
        return None
    rng, admin = random.Random(f"{tenant.slug}-teams"), get_member(admins[0])
    now = datetime.now(timezone.utc)
    this_week = deadlines.period_of("weekly", now)
    squads = _squads(rng, this_week - timedelta(weeks=8))
    count = sum(_reports_of(squad, people, village, s_index, this_week, rng, reviewer=admin)
                for s_index, (squad, people, village) in enumerate(squads))
    _media(admin)
    _trainings(admin, now)
    _applications(rng, now)
    quarter = _scores(squads, admin, rng)
    db.session.flush()
    return f"teams: {len(squads)} squads with secretaries and villages, {count} reports, media, trainings, " \
           f"applications and {quarter} evaluations"


def _squads(rng, start) -> list[tuple]:
    """A squad per village from the squad units, its members, a secretary and the pairing."""
    squads, squad_units = [], list(units_of_type("squad"))
    for i, (village_name, town, county) in enumerate(VILLAGES):
        # the squad unit named after this village (第一小队（乌兰村）), else a new name
        unit_name = next((u.name for u in squad_units if village_name in u.name), f"第{i + 1}小队（{village_name}）")
        squad = services.create_squad(unit_name)
        squad.created_at = datetime.combine(start - timedelta(days=3), datetime.min.time(), tzinfo=timezone.utc)
        people = [get_member(m) for m in members_in_unit_named(unit_name)]
        people = [p for p in people if "resident" not in p.role_names]
        people.sort(key=lambda p: ("leader" not in p.role_names, p.id))
        for n, person in enumerate(people[:4]):
            services.add_member(squad, person.id, leader=(n == 0))
        name, post = SECRETARIES[i]
        secretary = services.create_secretary({"name": name, "post": post, "contact": f"1390471{rng.randint(1000, 9999)}",
                                               "term_start": start - timedelta(days=200), "term_end": None})
        village = archive.create_village(name=village_name, township=town, county=county)
        services.pair(squad, secretary_id=secretary.id, village_id=village.id, starts_on=start - timedelta(days=30))
        squads.append((squad, people[:4], village_name))
    return squads


def _reports_of(squad, people, village_name, s_index, this_week, rng, *, reviewer) -> int:
    """Nine weeks of summaries (one squad late twice and missing a week), two briefs, a case."""
    if not people:
        return 0
    author, count = people[0], 0
    for w in range(8, -1, -1):
        period = this_week - timedelta(weeks=w)
        if w == 0:
            _weekly(squad, author, period, rng, village_name, "draft")
        elif s_index == 2 and w == 2:
            continue  # a missed week: shows as late/overdue on the dashboard
        else:
            state = "accepted" if w > 1 else ("submitted" if s_index != 1 else "returned")
            late = s_index == 2 and w in (5, 6)
            _weekly(squad, author, period, rng, village_name, state, reviewer=reviewer, late=late)
        count += 1
    for m in (2, 1):
        first = (this_week.replace(day=1) - timedelta(days=31 * (m - 1) + 1)).replace(day=1)
        _report(squad, author, "monthly", first, f"{village_name}{first.month}月工作简报", rng, village_name,
                "accepted", reviewer=reviewer)
        count += 1
    case = _report(squad, author, "case", this_week - timedelta(weeks=6), f"{village_name}：直播带货助农增收",
                   rng, village_name, "draft")
    attachments.add(case, author, "现场照片.png", _photo(rng))
    _advance(case, author, reviewer, "accepted", this_week - timedelta(weeks=5), late=False)
    return count + 1


def _media(admin) -> None:
    for kind, title, outlet, days in (("film", "《萤火》乡村振兴纪录短片", "学习强国", 40),
                                      ("article", "把论文写在草原上", "内蒙古日报", 25),
                                      ("report", "大学生驻村三个月调研报告", "学校官网", 12),
                                      ("article", "第一书记和他的学生兵", "中国青年网", 5)):
        media_works.add_media({"kind": kind, "title": title, "outlet": outlet, "link": "https://example.org/yinghuo",
                               "published_on": local_today() - timedelta(days=days)}, by=admin)


def _trainings(admin, now) -> None:
    conf = settings()
    for n, (category, title, days) in enumerate(((conf["training_category"], "新队员培训：入户访谈方法", 3),
                                                 (conf["training_category"], "短视频拍摄与剪辑", 10),
                                                 (conf["practice_category"], "赴乌兰村实地调研", 17))):
        begins = (now + timedelta(days=days)).replace(hour=6, minute=0, second=0, microsecond=0)
        activity = create_activity({"title": title, "category": category, "address": "学校图书馆报告厅" if n < 2 else "乌兰村",
                                    "starts_at": begins, "ends_at": begins + timedelta(hours=2), "capacity": 60,
                                    "visibility": "tenant"}, creator=admin)
        activity_transition(activity, "publish")


def _applications(rng, now) -> None:
    slot = recruitment.add_slot(starts_at=now + timedelta(days=4), place="学生活动中心 302", capacity=6,
                                interviewers="项目组")
    for i, (name, status) in enumerate((("张晓雨", "applied"), ("王子涵", "applied"), ("李沐阳", "shortlisted"),
                                        ("赵一诺", "interview"), ("陈思远", "rejected"))):
        row = recruitment.apply({"name": name, "phone": f"1587100{i:04d}", "school": "北疆大学",
                                 "major": rng.choice(["农学", "新闻学", "社会学", "计算机科学"]), "year": "大二",
                                 "skills": rng.choice(["摄影", "写作", "蒙古语", "视频剪辑"]),
                                 "statement": "我来自农村，希望用所学回报家乡，参与乡村振兴。"})
        if status in ("shortlisted", "interview"):
            recruitment.act(row, "shortlist")
        if status == "interview":
            recruitment.act(row, "schedule", slot_id=slot.id)
        if status == "rejected":
            recruitment.act(row, "reject", note="时间安排冲突")


def _scores(squads, admin, rng) -> str:
    """This quarter's scores by each squad's leader and the admin."""
    quarter = evaluation.current_quarter()
    for squad, people, _ in squads:
        for person in people[1:]:
            scores = {c["name"]: rng.randint(70, 98) for c in evaluation.criteria()}
            evaluation.score(person.id, quarter, people[0], scores)
            evaluation.score(person.id, quarter, admin, {k: max(60, v - rng.randint(0, 8)) for k, v in scores.items()})
        if people:
            evaluation.score(people[0].id, quarter, admin, {c["name"]: rng.randint(80, 99) for c in evaluation.criteria()})
    return quarter


def _text(rng, village: str) -> str:
    return f"在{village}" + "；".join(rng.sample(WORK, 3)).format(n=rng.randint(2, 12)) + "。"


def _weekly(squad, author, period, rng, village, state, *, reviewer=None, late=False):
    return _report(squad, author, "weekly", period, f"{squad.name} 第{period.isocalendar()[1]}周工作小结", rng, village,
                   state, reviewer=reviewer, late=late)


def _report(squad, author, kind, period, title, rng, village, state, *, reviewer=None, late=False) -> Report:
    names = settings()["report_sections"][kind]
    report = reports.create(squad.id, author, kind=kind, period_start=period, title=title,
                            sections={n: _text(rng, village) for n in names})
    report.created_at = datetime.combine(period, datetime.min.time(), tzinfo=timezone.utc)
    if state != "draft":
        _advance(report, author, reviewer, state, period, late=late, kind=kind)
    return report


def _advance(report, author, reviewer, state, period, *, late, kind=None):
    """Walk the report to ``state`` and date its steps as if done around its deadline."""
    due = deadlines.deadline(kind or "weekly", period) if (kind or report.kind) != "case" else \
        datetime.combine(period + timedelta(days=6), datetime.min.time(), tzinfo=timezone.utc)
    submitted = due + timedelta(hours=30) if late else due - timedelta(hours=20)
    reports.transition(report, "submit", author)
    if state == "returned":
        reports.transition(report, "return", reviewer, comment="请补充入户走访的具体数据和照片。")
    elif state == "accepted":
        reports.transition(report, "accept", reviewer)
    report.submitted_at = submitted
    if state == "accepted":
        report.accepted_at = submitted + timedelta(days=1)
    for n, step in enumerate(db.session.scalars(select(ReportReview).where(ReportReview.report_id == report.id)
                                                .order_by(ReportReview.id))):
        step.at = submitted + timedelta(days=n)


def _photo(rng) -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (480, 300), (250, 230, 190))
    draw = ImageDraw.Draw(image)
    for y in range(150, 300):
        draw.line([(0, y), (480, y)], fill=(90 + y // 6, 150, 70))
    draw.ellipse([360, 30, 420, 90], fill=(245, 180, 40))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
