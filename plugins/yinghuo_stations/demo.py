"""Demo data: teams under the centre and an institute, and demands in every state."""
from __future__ import annotations

from yinghuo.api import db, ensure_unit, get_member, members_with_role, units_of_type

from .settings import settings


def seed(tenant) -> str | None:
    from sqlalchemy import func, select

    from .demands import services
    from .demands.models import Demand
    if db.session.scalar(select(func.count()).select_from(Demand)):
        return "stations: demo demands exist"
    conf = settings()
    stations = units_of_type(conf["station_unit_type"])
    if not stations:
        return None
    top = [u for u in units_of_type("county")] or [None]
    towns = units_of_type("town")
    teams = [ensure_unit("县志愿服务总队", conf["team_unit_type"], top[0].id if top[0] else None)]
    teams += [ensure_unit(f"{t.name.removesuffix('实践所')}志愿服务分队", conf["team_unit_type"], t.id) for t in towns[:2]]
    db.session.flush()
    leaders = [get_member(m) for m in members_with_role("leader")]
    if leaders and leaders[0].unit_id is None:
        leaders[0].unit_id = teams[1].id if len(teams) > 1 else teams[0].id
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    needs = [("生活照料", "老人独居，需要每周上门打扫一次", "东关村3组"), ("医疗健康", "想请医生来村里量血压", "村委会"),
             ("维修帮扶", "屋顶漏雨，想找人修一下", "西街12号"), ("政策咨询", "想了解养老保险怎么交", ""),
             ("文化活动", "想在村里放一场电影", "村广场"), ("生活照料", "腿脚不便，需要代买药品", "河口村")]
    steps = [[], ["dispatch"], ["dispatch", "accept"], ["dispatch", "accept", "start"],
             ["dispatch", "accept", "start", "finish"], ["dispatch", "accept", "start", "finish", "rate"]]
    for i, ((category, need, place), path) in enumerate(zip(needs, steps)):
        station = stations[i % len(stations)]
        demand = services.submit({"station_id": station.id, "category": category, "need": need, "place": place,
                                  "contact_name": f"村民{i + 1}", "contact_phone": f"1390000{i:04d}",
                                  "channel": "online" if i % 2 else "letterbox",
                                  "slip_serial": None if i % 2 else f"SLIP-{station.id}-{i:04d}"},
                                 entered_by=None if i % 2 else admin)
        team = next((t for t in teams[1:] if t.parent_id == station.parent_id), teams[0])
        for action in path:
            while action == "dispatch" and not services.in_subtree(team.id, demand.level_unit_id):
                services.transition(demand, "escalate", admin, note="本站没有承接这项服务的队伍")   # 逐级推单
            services.transition(demand, action, admin, team_unit_id=team.id,
                                note="上门打扫两小时" if action == "finish" else "很满意" if action == "rate" else "",
                                rating=5 if action == "rate" else None, by_phone=True)
    from .letterboxes import services as letterboxes
    for i, station in enumerate(stations[:4]):
        box = letterboxes.add_box(f"{station.name.removesuffix('实践站')}意见箱", station.id, "村委会门口")
        if i % 2 == 0:
            letterboxes.record_round(box, slips=2 + i, by=admin)
    return f"stations: {len(teams)} teams, {len(needs)} demands in every state, {min(4, len(stations))} letterboxes"
