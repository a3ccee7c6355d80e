"""Demo data for a county: teams at the centre and in each institute, site profiles, a project
library with station menus, a month and a half of demands in every state (some overdue),
station activities with ledgers (complete, incomplete, too few), surveys and letterboxes."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from yinghuo.api import (
    activity_transition, create_activity, db, ensure_unit, get_member, in_subtree, members_with_role,
    units_of_type, utcnow,
)

from .settings import settings

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
NEEDS = [("生活照料", "老人独居，需要每周上门打扫一次", "3组"), ("医疗健康", "想请医生来村里量血压", "村委会"),
         ("维修帮扶", "屋顶漏雨，想找人修一下", "西头12号"), ("政策咨询", "想了解养老保险怎么交", ""),
         ("文化活动", "想在村里放一场电影", "村广场"), ("生活照料", "腿脚不便，需要代买药品", "河边"),
         ("医疗健康", "孩子近视了，想请人讲讲护眼", "小学"), ("维修帮扶", "家里电线老化，想请电工看看", "5组")]
#: the steps each demo demand takes, cycling: every state appears, most end rated
PATHS = [[], ["dispatch"], ["dispatch", "accept"], ["dispatch", "accept", "start"],
         ["dispatch", "accept", "start", "finish"], ["dispatch", "accept", "start", "finish", "rate"],
         ["dispatch", "accept", "finish", "rate"], ["cancel"], ["dispatch", "accept", "start", "finish", "rate"]]
PROJECTS = [("手机课堂", "文化活动", "教老人用智能手机挂号、视频通话", 8, "approved"),
            ("上门理发", "生活照料", "每月为行动不便的老人上门理发", 12, "approved"),
            ("健康义诊", "医疗健康", "量血压、测血糖、讲慢病用药", 6, "approved"),
            ("家电义修", "维修帮扶", "修理小家电、检查线路", 10, "approved"),
            ("政策宣讲进院坝", "政策咨询", "讲医保、养老保险和惠农政策", 4, "gathered"),
            ("周末读书会", "文化活动", "带孩子读书、讲故事", 6, "proposed"),
            ("田间课堂", "其他", "请农技员讲种植技术", 5, "returned")]
ACTIVITIES = ["理论宣讲进村", "电影下乡", "健康讲座", "书法兴趣课", "广场舞培训", "科普大篷车", "环境整治"]


def seed(tenant) -> str | None:
    from .demands.models import Demand
    if db.session.scalar(select(func.count()).select_from(Demand)):
        return "stations: demo demands exist"
    conf = settings()
    stations = units_of_type(conf["station_unit_type"])
    if not stations:
        return None
    rng = random.Random(13)
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    teams = _teams(conf)
    _profiles(stations, rng)
    projects = _library(teams, stations, admin)
    count = _demands(stations, teams, admin, rng)
    held = _activities(stations, admin, rng)
    _surveys(stations, rng)
    boxes = _letterboxes(stations, admin)
    return (f"stations: {len(teams)} teams, {len(stations)} stations, {projects} projects, {count} demands in "
            f"every state, {held} station activities with ledgers, {boxes} letterboxes")


def _teams(conf) -> list:
    top = units_of_type("county")
    teams = [ensure_unit("县志愿服务总队", conf["team_unit_type"], top[0].id if top else None)]
    teams += [ensure_unit(f"{t.name.removesuffix('实践所')}志愿服务分队", conf["team_unit_type"], t.id)
              for t in units_of_type("town")]
    db.session.flush()
    leaders = [get_member(m) for m in members_with_role("leader")]
    if leaders and leaders[0].unit_id is None:
        leaders[0].unit_id = teams[1].id if len(teams) > 1 else teams[0].id
    return teams


def _profiles(stations, rng) -> None:
    from .sites.models import PLATFORMS, SiteProfile
    for i, unit in enumerate([*units_of_type("county"), *units_of_type("town"), *stations]):
        db.session.add(SiteProfile(unit_id=unit.id, address=f"{unit.name.removesuffix('实践站')}党群服务中心",
                                   opening_hours="周一至周五 8:30-17:30；周六 9:00-12:00",
                                   contact_name=f"{'王李张刘陈杨'[i % 6]}站长", contact_phone=f"1380000{i:04d}",
                                   platforms=sorted(rng.sample(PLATFORMS, 3), key=PLATFORMS.index)))
    db.session.flush()


def _library(teams, stations, admin) -> int:
    from .menus.models import MenuItem, Project
    for i, (name, category, description, capacity, status) in enumerate(PROJECTS):
        db.session.add(Project(name=name, category=category, description=description, capacity_per_month=capacity,
                               team_unit_id=teams[i % len(teams)].id, status=status, proposed_by=admin.id if admin
                               else None, note="与现有项目重复" if status == "returned" else ""))
    db.session.flush()
    approved = db.session.scalars(select(Project).where(Project.status == "approved")).all()
    for i, station in enumerate(stations):
        for project in approved[i % 2::2] if i % 3 else approved:
            db.session.add(MenuItem(station_id=station.id, project_id=project.id))
    db.session.flush()
    return len(PROJECTS)


def _demands(stations, teams, admin, rng) -> int:
    """Six weeks of demands, each moved through its path and then dated back."""
    from .demands import services
    from .demands.models import Demand, DemandEvent
    count = 48
    for i in range(count):
        category, need, place = NEEDS[i % len(NEEDS)]
        station = stations[i % len(stations)]
        paper = i % 3 == 0
        demand = services.submit({"station_id": station.id, "category": category, "need": need,
                                  "place": f"{station.name.removesuffix('实践站')}{place}",
                                  "contact_name": f"村民{i + 1}", "contact_phone": f"139{i:04d}{i * 7 % 10000:04d}",
                                  "channel": rng.choice(["letterbox", "door_to_door", "phone"]) if paper else "online",
                                  "slip_serial": f"{station.id}-{i:04d}" if paper else None},
                                 entered_by=admin if paper else None)
        team = next((t for t in teams[1:] if t.parent_id == station.parent_id), teams[0])
        for action in PATHS[i % len(PATHS)]:
            while action == "dispatch" and not in_subtree(team.id, demand.level_unit_id):
                services.transition(demand, "escalate", admin, note="本站没有承接这项服务的队伍")   # 逐级推单
            services.transition(demand, action, admin, team_unit_id=team.id, note=_note(action),
                                rating=rng.choice([3, 4, 5, 5]) if action == "rate" else None, by_phone=True)
        back = timedelta(days=(count - i) * 45 // count, hours=rng.randint(0, 7), minutes=rng.randint(0, 59))
        _date_back(Demand, DemandEvent, demand.id, back)
    return count


def _note(action: str) -> str:
    return {"finish": "已上门服务，群众满意", "rate": "很满意", "cancel": "群众已自行解决"}.get(action, "")


def _date_back(Demand, DemandEvent, demand_id: int, back: timedelta) -> None:
    demand = db.session.scalar(select(Demand).where(Demand.id == demand_id))
    demand.created_at -= back
    if demand.due_at is not None:
        demand.due_at -= back
    for event in db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand_id)):
        event.at -= back
    db.session.flush()


def _activities(stations, admin, rng) -> int:
    """Last month and this month: most stations hold two or three activities, a few only one;
    most ledgers are complete, some lack photos or feedback."""
    from .ledgers import services as ledgers
    from .periods import last_month, month_bounds, this_month
    held = 0
    for i, station in enumerate(stations):
        for month_back, month in ((1, last_month()), (0, this_month())):
            for n in range(1 if i % 5 == 4 else 2 + (i + month_back) % 2):
                begins = month_bounds(month)[0] + timedelta(days=2 + n * 9 + i % 3, hours=9 + rng.randint(0, 6))
                activity = create_activity({"title": ACTIVITIES[(i + n) % len(ACTIVITIES)], "category": "文化服务",
                                            "unit_id": station.id, "address": f"{station.name}活动室",
                                            "starts_at": begins, "ends_at": begins + timedelta(hours=2),
                                            "capacity": 40, "visibility": "public"}, creator=admin)
                activity_transition(activity, "publish")
                held += 1
                if begins < utcnow() and (i + n) % 3 < 2:
                    activity_transition(activity, ("complete", "close")[(i + n) % 3])
                if (i + n) % 4 == 3 or begins > utcnow():
                    continue                                                  # no ledger yet
                ledgers.save_entry(activity.id, {"record": f"{station.name}开展{activity.title}，村民 {20 + n * 5} 人参加",
                                                 "evaluation_score": 4 + n % 2, "evaluation": "组织有序，效果良好",
                                                 "feedback": "" if (i + n) % 5 == 2 else "希望多办几次"}, by=admin)
                ledgers.add_photo(activity.id, PNG, by=admin)
    _not_held(stations[0], admin)
    return held


def _not_held(station, admin) -> None:
    """A draft and a cancelled activity: neither counts in the ledger."""
    begins = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    for title, cancel in (("秋冬防火宣传（草稿）", False), ("露天电影（因雨取消）", True)):
        activity = create_activity({"title": title, "category": "文化服务", "unit_id": station.id,
                                    "address": f"{station.name}广场", "starts_at": begins,
                                    "ends_at": begins + timedelta(hours=2), "capacity": 40}, creator=admin)
        if cancel:
            activity_transition(activity, "publish")
            activity_transition(activity, "cancel", reason="天气原因，改期举行")


def _surveys(stations, rng) -> None:
    from yinghuo.api import keyed_digest

    from .periods import this_quarter
    from .rankings.models import StationSurvey
    for i, station in enumerate(stations):
        for n in range(3 + i % 4):
            db.session.add(StationSurvey(station_id=station.id, quarter=this_quarter(), score=rng.choice([3, 4, 5, 5]),
                                         comment="服务热情" if n == 0 else "",
                                         phone_digest=keyed_digest(f"1370{i:03d}{n:04d}")))
    db.session.flush()


def _letterboxes(stations, admin) -> int:
    from .letterboxes import services as letterboxes
    for i, station in enumerate(stations[:8]):
        box = letterboxes.add_box(f"{station.name.removesuffix('实践站')}意见箱", station.id, "村委会门口")
        if i % 2 == 0:
            letterboxes.record_round(box, slips=2 + i, by=admin)
    return min(8, len(stations))
