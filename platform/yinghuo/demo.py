"""``yinghuo demo``: apply the sample tenants and load believable demo people (idempotent)."""
from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select

from .db.context import tenant_scope
from .extensions import db
from .people.auth import find_account
from .people.idnumbers import with_check_digit
from .people.models import Account, Member
from .people.services import add_member, make_admin
from .people.auth import hash_password
from .tenancy.files import apply_path
from .tenancy.models import Tenant
from .units.models import Unit

DEMO_PASSWORD = "Yinghuo2026"
OPERATOR_EMAIL = "operator@yinghuo.demo"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "志强秀英建华丽娟海燕晓明玉兰国庆桂芳文杰春梅红霞子涵浩然雨欣思远欣怡宇航佳琪博文雅婷俊杰婉清天佑梦琪"
# region codes of the fictional places map onto real county-code shapes only
REGIONS = ["150102", "150104", "150121", "150122", "150123"]


def sample_tenants_dir() -> Path:
    """The sample tenant files, inside the package (an installed wheel carries them)."""
    return Path(__file__).resolve().parent / "sample_tenants"


def load(tenants_dir: Path | None = None, *, only: set[str] | None = None) -> list[str]:
    """Every tenant of the tenants folder, with people, activities and each plugin's demo
    data; with ``only``, every tenant still exists (hubs and their children) but only those
    slugs get people and data (the page audit loads one tenant a test)."""
    with tenant_scope(None, operator=True):  # tenants and their plugins are the platform operator's to write
        report = apply_path(tenants_dir or sample_tenants_dir())
    report.append(_operator())
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)).all():
        if only is not None and tenant.slug not in only:
            continue
        report += _people(tenant)
        report += _logins(tenant)
        report += _activities(tenant)
        report += _plugins(tenant)
    db.session.commit()
    report.append(f"demo ready: sign in at /login as {OPERATOR_EMAIL} / {DEMO_PASSWORD}; "
                  f"tenant admins are admin@<slug>.demo, and leader@<slug>.demo and volunteer@<slug>.demo "
                  f"sign in as a leader and a volunteer, with the same password")
    return report


def _plugins(tenant: Tenant) -> list[str]:
    """Each enabled plugin seeds its own demonstration data."""
    from flask import current_app
    with tenant_scope(tenant.id):
        lines = current_app.extensions["yinghuo"].host.hooks_for(tenant).yinghuo_demo_data(tenant=tenant)
        db.session.flush()
    return [f"{tenant.slug}: {line}" for line in lines if line]


def _operator() -> str:
    if find_account(OPERATOR_EMAIL) is not None:
        return "operator: exists"
    db.session.add(Account(email=OPERATOR_EMAIL, password_hash=hash_password(DEMO_PASSWORD), is_operator=True))
    return "operator: created"


def _people(tenant: Tenant) -> list[str]:
    with tenant_scope(tenant.id):
        make_admin(tenant, email=f"admin@{tenant.slug}.demo", password=DEMO_PASSWORD, name="管理员")
        if db.session.scalar(select(db.func.count()).select_from(Member)) > 5:
            return [f"{tenant.slug}: demo people exist"]
        rng = random.Random(tenant.slug)
        units = db.session.scalars(select(Unit).order_by(Unit.depth.desc(), Unit.path)).all()
        leaves = [u for u in units if u.depth == units[0].depth] if units else []
        for i in range(24):
            add_member(tenant, _person(rng, i, leaves, tenant), audit_action="member.demo")
        db.session.flush()
    return [f"{tenant.slug}: 24 demo members added"]


def _logins(tenant: Tenant) -> list[str]:
    """Sign-ins for a demo leader and a demo volunteer: leader@<slug>.demo, volunteer@<slug>.demo."""
    made = []
    with tenant_scope(tenant.id):
        for role in ("leader", "volunteer"):
            email = f"{role}@{tenant.slug}.demo"
            if find_account(email) is not None:
                continue
            member = next((m for m in db.session.scalars(select(Member).where(Member.account_id.is_(None))
                                                         .order_by(Member.id))
                           if role in m.role_names and (role == "leader" or "leader" not in m.role_names)), None)
            if member is None:
                continue
            account = Account(email=email, password_hash=hash_password(DEMO_PASSWORD))
            db.session.add(account)
            db.session.flush()
            member.account_id = account.id
            made.append(email)
        db.session.flush()
    return [f"{tenant.slug}: demo sign-ins {', '.join(made)}"] if made else []


def _person(rng: random.Random, i: int, leaves, tenant) -> dict:
    birth = f"{rng.randint(1965, 2006)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    number = with_check_digit(f"{rng.choice(REGIONS)}{birth}{rng.randint(0, 999):03d}")
    roles = ["leader", "volunteer"] if i % 8 == 0 else ["volunteer"]
    if i == 23:
        roles = ["resident"]
    return {"name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "id_type": "resident_id", "id_number": number,
            "unit_id": leaves[i % len(leaves)].id if leaves else None, "roles": roles}


TITLES = ["理论宣讲进村", "敬老院陪伴", "义务理发", "垃圾分类宣传", "少儿科普课堂", "广场舞教学", "防诈骗讲座",
          "文明交通劝导", "农技培训", "图书整理"]


def _activities(tenant: Tenant) -> list[str]:
    """A few months of history (attended, hours approved) and some upcoming activities."""
    from datetime import datetime, timedelta, timezone

    from .activities import services as activities
    from .activities.models import Activity, Attendance, Signup
    from .hours import services as hours
    from .hours.models import HourRecord
    with tenant_scope(tenant.id):
        if db.session.scalar(select(db.func.count()).select_from(Activity)):
            return [f"{tenant.slug}: demo activities exist"]
        rng = random.Random(f"{tenant.slug}-activities")
        admin = db.session.scalar(select(Member).where(Member.name == "管理员"))
        people = db.session.scalars(select(Member).where(Member.name != "管理员").order_by(Member.id)).all()
        categories = activities.categories(tenant)[:5]
        units = db.session.scalars(select(Unit).order_by(Unit.path)).all()
        now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        for i in range(14):
            past = i < 10
            start = now + timedelta(days=(-(10 - i) * 7 if past else (i - 9) * 3), hours=rng.randint(-3, 3))
            [activity] = activities.create_activity(tenant, {
                "title": TITLES[i % len(TITLES)], "category": categories[i % len(categories)],
                "address": (units[i % len(units)].name if units else "村委会"), "capacity": rng.randint(8, 20),
                "starts_at": start, "ends_at": start + timedelta(hours=rng.choice((2, 3))),
                "unit_id": units[i % len(units)].id if units else None,
                "visibility": "public" if i % 3 == 0 else "tenant"}, creator=admin)
            activity.status = "published"
            crew = rng.sample(people, min(len(people), rng.randint(4, 8)))
            for person in crew:
                db.session.add(Signup(tenant_id=tenant.id, activity_id=activity.id, member_id=person.id,
                                      status="confirmed"))
                if past:
                    db.session.add(Attendance(tenant_id=tenant.id, activity_id=activity.id, member_id=person.id,
                                              checked_in_at=start + timedelta(minutes=rng.randint(0, 20)),
                                              in_method="qr"))
            activity.confirmed_count = len(crew)
            db.session.flush()
            if past:
                activities.transition(tenant, activity, "complete")
                # completing closed everyone out and made their pending hour records
                for record in db.session.scalars(select(HourRecord).where(HourRecord.activity_id == activity.id)):
                    if rng.random() < 0.85:
                        hours.approve(tenant, record, by=admin)
        db.session.flush()
    return [f"{tenant.slug}: 14 demo activities with attendance and hours"]
