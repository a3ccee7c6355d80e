"""Demo data. In the provincial hub: a competition open for entries with projects in every
state, and last year's competition finished - entries from the child tenants in every
category, public votes (one entry's bought votes flagged and voided), judges' sheets with
a declared conflict, the roadshow and published results with certificates. In a county:
the last month's volunteer star from the hours ranking and this year's four best."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from yinghuo.api import Invalid, add_member, child_tenants, db, get_member, local_today, members_with_role, utcnow

PROJECTS = [("乡村儿童周末课堂", "青禾支教队", "education"), ("银发手机课堂", "夕阳红助老团", "science"),
            ("河湖清漂行动", "碧水守护队", "environment"), ("法律明白人进村", "青年普法团", "legal"),
            ("社区应急第一响应人", "蓝天救援队", "emergency"), ("非遗剪纸进校园", "巧手艺术团", "culture"),
            ("健康义诊进山区", "白衣天使队", "health"), ("理论宣讲轻骑兵", "青年宣讲团", "theory"),
            ("助农直播间", "振兴帮扶队", "poverty"), ("失独老人陪伴计划", "暖心陪伴队", "other")]
#: the state each demo entry is left in, cycling
PATHS = [["submit", "accept"], ["submit"], ["submit", "changes"], [], ["submit", "accept"], ["submit", "reject"]]


def seed(tenant) -> str | None:
    from .contests.models import Competition
    if db.session.scalar(select(func.count()).select_from(Competition)):
        return "competitions: demo competitions exist"
    if tenant.kind != "hub":
        return honours(tenant)
    return "; ".join(line for line in (open_competition(), finished_competition()) if line)


def open_competition() -> str | None:
    from .contests.models import Competition
    from .contests.services import publish, save
    from .entries.models import Entry
    from .entries.services import decide, submit
    if db.session.scalar(select(func.count()).select_from(Competition)):
        return "competitions: demo competitions exist"
    now = utcnow()
    competition = save({"name": "全省青年志愿服务项目大赛", "description": "面向全省青年志愿服务团队的项目大赛：申报、审核、网络投票、专家评审、现场路演。",
                        "stages": {"submission": now - timedelta(days=10), "review": now + timedelta(days=20),
                                   "voting": now + timedelta(days=30), "judging": now + timedelta(days=40),
                                   "roadshow": now + timedelta(days=50), "results": now + timedelta(days=60)}})
    publish(competition)
    people = [get_member(m) for m in members_with_role("volunteer")]
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    for i, (title, team, category) in enumerate(PROJECTS):
        entrant = people[i % len(people)]
        entry = Entry(competition_id=competition.id, entrant_id=entrant.id, title=title, team_name=team,
                      category=category, summary=f"{team}开展的{title}项目。", status="draft",
                      sections={"need": "服务对象需求迫切", "goals": "一年内覆盖 20 个村（社区）"})
        db.session.add(entry)
        db.session.flush()
        for step in PATHS[i % len(PATHS)]:
            if step == "submit":
                submit(entry, by=entrant)
            else:
                decide(entry, step, note="" if step == "accept" else "请补充实施计划和预算", by=admin)
    return f"competitions: 1 competition open for entries, {len(PROJECTS)} entries in every state"


#: last year's projects, two per category (the child tenant they come from alternates)
FINISHED = {"theory": ("理论宣讲进田间", "红色故事汇"), "culture": ("乡村文艺轻骑兵", "非遗传承小课堂"),
            "education": ("留守儿童四点半课堂", "大学生乡村支教"), "health": ("银龄健康守护", "山区巡回义诊"),
            "science": ("科普大篷车", "防诈骗进社区"), "legal": ("法律明白人培养", "未成年人保护宣讲"),
            "environment": ("母亲河守护行动", "垃圾分类入户"), "poverty": ("助农直播带货", "产业帮扶工作站"),
            "emergency": ("应急救护培训", "防汛志愿突击队"), "other": ("孤寡老人陪伴", "残障人士出行帮扶")}


def finished_competition() -> str | None:
    """Last year's competition, from entries to published results."""
    from .contests.services import save
    from .entries.models import Entry, EntryVersion
    from .judging.models import Conflict, Judge, Sheet
    from .judging.scoring import sheet_total
    from .judging.services import choose_finalists
    from .results.services import publish
    from .voting.anomalies import decide
    from .voting.models import Vote
    from .voting.services import network
    kids = child_tenants()
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    entrants = []
    for kid in kids:
        try:
            entrants.append((kid, add_member({"name": f"{kid['name']}项目负责人", "login": f"leader@{kid['slug']}.demo",
                                              "roles": ["volunteer"]}, audit_action="member.demo")))
        except Invalid:     # the child's demo leader is not there (one tenant loaded alone)
            continue
    if not entrants or admin is None:
        return None
    rng, now = random.Random(2026), utcnow()
    day = timedelta(days=1)
    competition = save({"name": "上一届全省青年志愿服务项目大赛", "eligibility": "children", "vote_weight": 30,
                        "finalists_per_category": 2, "awards": {"first": 1, "second": 1, "third": 0},
                        "trim": True, "normalise": True,
                        "description": "已结束的一届大赛：网络投票、专家评审、现场路演与获奖名单。",
                        "stages": {"submission": now - 90 * day, "review": now - 60 * day, "voting": now - 50 * day,
                                   "judging": now - 40 * day, "roadshow": now - 20 * day, "results": now - day}})
    competition.published = True
    entries = []
    for category, titles in FINISHED.items():
        for n, title in enumerate(titles):
            kid, entrant = entrants[(len(entries)) % len(entrants)]
            entry = Entry(competition_id=competition.id, entrant_id=entrant.id, from_tenant_id=kid["id"], title=title,
                          team_name=f"{kid['name']}{title[:2]}志愿服务队", category=category, status="accepted",
                          summary=f"{kid['name']}的{title}项目，已持续开展三年。", version=1,
                          sections={"need": "服务对象需求迫切", "goals": "一年覆盖 30 个村（社区）",
                                    "implementation": "每周固定开展活动", "results": "服务群众 5000 余人次",
                                    "distinctiveness": "志愿者与村民结对"}, created_at=now - 80 * day)
            db.session.add(entry)
            db.session.flush()
            db.session.add(EntryVersion(entry_id=entry.id, version=1, snapshot={"title": title, "summary": entry.summary,
                                                                                "sections": entry.sections}))
            entries.append(entry)
    # public votes over ten days in daytime, from many addresses; one entry's bought in a night burst
    voter = 0
    for entry in entries:
        for _ in range(rng.randint(20, 60)):
            voter += 1
            moment = now - 50 * day + timedelta(days=rng.randint(0, 9), hours=rng.randint(1, 12))
            ip = f"10.{rng.randint(0, 200)}.{rng.randint(0, 250)}.{rng.randint(1, 250)}"
            db.session.add(Vote(competition_id=competition.id, entry_id=entry.id, voter=f"phone:demo{voter}",
                                day=moment.date(), ip=ip, subnet=network(ip), window=int(moment.timestamp()) // 600,
                                night=False, created_at=moment))
    bought = entries[3]
    for n in range(120):
        voter += 1
        moment = now - 45 * day + timedelta(minutes=n // 20)
        ip = f"203.0.113.{7 + n % 2}"
        db.session.add(Vote(competition_id=competition.id, entry_id=bought.id, voter=f"phone:bought{n}",
                            day=moment.date(), ip=ip, subnet=network(ip), window=int(moment.timestamp()) // 600,
                            night=True, created_at=moment))
    db.session.flush()
    decide(competition, bought.id, decision="voided", note="两个地址十分钟内集中投票 120 张，核实为刷票", by=admin,
           ips=["203.0.113.7", "203.0.113.8"])
    # five judges, all categories; one declares a conflict
    judges = []
    for n, name in enumerate(("李教授", "王研究员", "张主任", "赵社工", "陈记者")):
        member = add_member({"name": name, "roles": ["volunteer"]}, audit_action="member.demo")
        db.session.add(Judge(competition_id=competition.id, member_id=member.id, categories=list(FINISHED)))
        judges.append((member, rng.uniform(-2, 2)))
    db.session.add(Conflict(competition_id=competition.id, member_id=judges[0][0].id, entry_id=entries[0].id,
                            reason="曾指导该项目团队"))
    quality = {e.id: rng.uniform(12, 19) for e in entries}
    for member, leaning in judges:
        for entry in entries:
            if member is judges[0][0] and entry is entries[0]:
                continue
            scores = {c["key"]: round(max(0, min(c["max"], quality[entry.id] + leaning + rng.uniform(-1.5, 1.5))), 1)
                      for c in competition.criteria}
            db.session.add(Sheet(competition_id=competition.id, entry_id=entry.id, member_id=member.id, round="review",
                                 scores=scores, total=round(sheet_total(scores, competition.criteria), 4),
                                 submitted_at=now - 30 * day))
    db.session.flush()
    # the finalists were chosen when the roadshow began: before the results stage
    stages = dict(competition.stages)
    competition.stages = {k: v for k, v in stages.items() if k != "results"}
    chosen = choose_finalists(competition)
    competition.stages = stages
    for member, leaning in judges[1:]:
        for entry in chosen:
            scores = {c["key"]: round(max(0, min(c["max"], quality[entry.id] + leaning + rng.uniform(-1, 1))), 1)
                      for c in competition.criteria}
            db.session.add(Sheet(competition_id=competition.id, entry_id=entry.id, member_id=member.id,
                                 round="roadshow", scores=scores,
                                 total=round(sheet_total(scores, competition.criteria), 4), submitted_at=now - 10 * day))
    db.session.flush()
    results = publish(competition.id, by=admin)
    return (f"finished competition: {len(entries)} entries from {len(entrants)} child tenants in 10 categories, "
            f"{voter} votes (120 voided), 5 judges, {len(chosen)} finalists, "
            f"{sum(1 for r in results if r.award)} awards with certificates")


def honours(tenant) -> str | None:
    """A county: last month's volunteer star (from the hours ranking, decided, certificates)
    and this year's four best (nominations open)."""
    from .contests.models import Competition
    from .honours.services import choose, four_best, monthly_star, nominate
    from .results.services import publish
    if db.session.scalar(select(func.count()).select_from(Competition)):
        return "competitions: demo selections exist"
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    people = [get_member(m) for m in members_with_role("volunteer")]
    if admin is None or not people:
        return None
    today = local_today()
    last = today.replace(day=1) - timedelta(days=1)
    star = monthly_star(last.strftime("%Y-%m"), count=5, by=admin)
    from .entries.models import Entry
    nominated = list(db.session.scalars(select(Entry).where(Entry.competition_id == star.id).order_by(Entry.id)))
    if not nominated:   # no approved hours last month: the admins nominate from the volunteers
        for member in people[:3]:
            _star_nomination(star, member, admin)
        nominated = list(db.session.scalars(select(Entry).where(Entry.competition_id == star.id).order_by(Entry.id)))
    choose(star.id, [e.id for e in nominated[:2]], by=admin)
    star.stages = {"submission": (utcnow() - timedelta(days=9)).isoformat(),
                   "review": (utcnow() - timedelta(days=6)).isoformat(),
                   "results": (utcnow() - timedelta(days=1)).isoformat()}
    publish(star.id, by=admin)
    best = four_best(today.year, by=admin)
    nominate(best.id, {"category": "admired_volunteer", "nominee_id": people[0].id,
                       "reason": "常年照顾村里的孤寡老人，风雨无阻。"}, by=people[1])
    nominate(best.id, {"category": "brightest_firefly", "nominee_id": people[2].id,
                       "reason": "走村入户帮不会用手机的老人办事。"}, by=admin)
    nominate(best.id, {"category": "best_team", "title": "南湖镇巾帼志愿服务队", "reason": "服务全镇留守老人。"}, by=admin)
    nominate(best.id, {"category": "best_project", "title": "积分超市·好人好事换积分", "reason": "带动 4 个村参与。"},
             by=admin)
    return (f"competitions: {star.name} ({len(nominated)} nominated from the hours ranking, 2 honoured, certificates); "
            f"{best.name} open for nominations (4 nominations)")


def _star_nomination(star, member, admin):
    from .honours.services import _nomination
    _nomination(star, "star", member.id, reason="热心村务，服务群众", by=admin, accepted=True)
