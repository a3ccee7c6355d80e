"""Demo data: a provincial competition open for entries, with projects in every state."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from yinghuo.api import db, get_member, members_with_role, utcnow

PROJECTS = [("乡村儿童周末课堂", "青禾支教队", "education"), ("银发手机课堂", "夕阳红助老团", "science"),
            ("河湖清漂行动", "碧水守护队", "environment"), ("法律明白人进村", "青年普法团", "legal"),
            ("社区应急第一响应人", "蓝天救援队", "emergency"), ("非遗剪纸进校园", "巧手艺术团", "culture"),
            ("健康义诊进山区", "白衣天使队", "health"), ("理论宣讲轻骑兵", "青年宣讲团", "theory"),
            ("助农直播间", "振兴帮扶队", "poverty"), ("失独老人陪伴计划", "暖心陪伴队", "other")]
#: the state each demo entry is left in, cycling
PATHS = [["submit", "accept"], ["submit"], ["submit", "changes"], [], ["submit", "accept"], ["submit", "reject"]]


def seed(tenant) -> str | None:
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
