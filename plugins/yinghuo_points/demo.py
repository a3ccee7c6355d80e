"""Demo data for a county of village points supermarkets: a published item list, households,
a supermarket in every village with goods and stock, a month of awards (most credited after
their notice, some still on notice, one held by an objection) and of redemptions (picked up,
waiting, expired), caring merchants and their codes."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from yinghuo.api import add_member, db, get_member, members_with_role, units_of_type, utcnow

ITEMS = [("打扫村公厕", 5, "环境卫生", "clerk", "none"), ("清理房前屋后垃圾", 3, "环境卫生", "clerk", "none"),
         ("卡点值守", 10, "平安建设", "clerk", "photo"), ("照顾留守儿童", 8, "邻里互助", "clerk", "note"),
         ("陪伴独居老人", 6, "邻里互助", "clerk", "note"), ("参加志愿服务活动", 5, "志愿服务", "clerk", "none"),
         ("移风易俗、婚事新办", 20, "文明新风", "admin", "note"), ("乱倒垃圾", -5, "村规民约", "admin", "note"),
         ("违规焚烧秸秆", -10, "村规民约", "admin", "note")]
GOODS = [("大米 5 斤", 30, 40, None), ("食用油 1 升", 40, 25, 1), ("洗衣粉", 15, 50, 2), ("肥皂", 5, 80, 4),
         ("毛巾", 8, 60, None), ("酱油", 10, 40, 2)]
MERCHANTS = [("星光影院", "县城人民路 8 号", "凭码免费观影一次", None, 2, "2468"),
             ("嘉丰公交", "全县公交线路", "凭码免费乘车一次", None, 1, "1357"),
             ("惠民超市", "南湖镇中心街", "凭码购物享九折", 20, None, "8642")]


def seed(tenant) -> str | None:
    from .items.models import Item
    if db.session.scalar(select(func.count()).select_from(Item)):
        return "points: demo items exist"
    villages = units_of_type("village")
    if not villages:
        return None
    rng = random.Random(21)
    admin = next(iter(get_member(m) for m in members_with_role("tenant_admin")), None)
    clerks = [add_member({"name": f"{v.name[:2]}村文书", "unit_id": v.id, "roles": ["clerk"]},
                         audit_action="member.demo") for v in villages]
    items = _items(villages[0])
    people = _people(villages)
    houses = _households(people)
    shops = _shops(villages, admin)
    awards = _awards(items, people, clerks, villages, admin, rng)
    orders = _orders(shops, people, clerks, rng)
    vouchers = _merchants(people)
    return (f"points: {len(items)} published items, {houses} households, {len(shops)} village supermarkets, "
            f"{awards} awards over a month (some on notice, one held by an objection), {orders} redemptions, "
            f"{vouchers} merchant codes")


def _items(first_village) -> list:
    from .items.services import create_item
    made = [create_item({"name": n, "points": p, "category": c, "awarded_by": a, "evidence": e})
            for n, p, c, a, e in ITEMS]
    made.append(create_item({"name": "守护南湖水源", "points": 6, "category": "环境卫生", "unit_id": first_village.id}))
    return made


def _people(villages) -> dict[int, list]:
    from yinghuo.api import units_under  # noqa: F401  (villages are leaves)
    by_village: dict[int, list] = {v.id: [] for v in villages}
    for member_id in members_with_role("volunteer"):
        person = get_member(member_id)
        if person.unit_id in by_village:
            by_village[person.unit_id].append(person)
    return by_village


def _households(people) -> int:
    from .households.services import create
    count = 0
    for village_id, persons in people.items():
        for i in range(0, len(persons) - 1, 3):
            head, *rest = persons[i:i + 3]
            create({"name": f"{head.name[0]}家（{head.name}户）", "unit_id": village_id, "head_member_id": head.id,
                    "member_ids": [p.id for p in rest]}, by=None)
            count += 1
    return count


def _shops(villages, admin) -> list:
    from .shops.services import create_shop, move, save_good
    shops, start = [], utcnow() - timedelta(days=32)
    for v in villages:
        shop = create_shop({"unit_id": v.id, "name": f"{v.name}积分超市", "address": f"{v.name}村委会一楼",
                            "opening_hours": "每周三、周六 9:00-11:30"})
        for name, price, stock, limit in GOODS:
            good = save_good(shop.id, {"name": name, "price": price, "limit_per_month": limit,
                                       "limit_by": "household" if limit == 1 else "person"})
            move(good, stock, kind="receive", source="stock", source_id=f"demo-{good.id}", note="镇里统一配送", by=admin,
                 at=start)
        shops.append(shop)
    return shops


def _awards(items, people, clerks, villages, admin, rng) -> int:
    from .items.models import Award
    from .items.services import award, credit, object_to
    from .ledger.services import account, post
    now, count = utcnow(), 0
    positive = [i for i in items if i.points > 0 and i.awarded_by == "clerk" and i.evidence != "photo"]
    for day in range(30, -1, -1):
        for _ in range(2):
            village = rng.choice(villages)
            persons = people[village.id]
            if not persons:
                continue
            person, item = rng.choice(persons), rng.choice(positive)
            if item.unit_id and item.unit_id != village.id:
                continue
            clerk = clerks[villages.index(village)]
            row, _new = award({"item_id": item.id, "member_id": person.id, "note": "村民小组长证明"},
                              by=clerk, key=f"demo-{day}-{count}")
            row.created_at = now - timedelta(days=day, hours=rng.randint(1, 8))
            row.notice_until = row.created_at + timedelta(days=3)
            if row.notice_until <= now:
                credit(row, at=row.notice_until)
            count += 1
    # starting balances from last month's hours, so the shelves have takers
    for persons in people.values():
        for person in persons:
            from .households.services import holder_account
            post(account("issuing"), holder_account(person.id), rng.choice((60, 80, 120)), kind="adjust",
                 source="adjust", source_id=f"demo-opening-{person.id}", note="上月服务时长折算", by=admin,
                 at=now - timedelta(days=31))
    waiting = db.session.scalar(select(Award).where(Award.status == "notice").order_by(Award.id.desc()))
    if waiting is not None:
        object_to(waiting.id, name="村民张大姐", reason="那天打扫的是我们小组，不是他一个人")
    deduction = next(i for i in items if i.points < 0)
    persons = next(p for p in people.values() if p)
    row, _new = award({"item_id": deduction.id, "member_id": persons[-1].id, "note": "在河边乱倒建筑垃圾，已劝导"},
                      by=admin, key="demo-deduction")
    return count + 1


def _orders(shops, people, clerks, rng) -> int:
    from .orders.services import _give_back, hand_over, place
    from .shops.services import goods
    now, count = utcnow(), 0
    for shop, clerk in zip(shops, clerks):
        persons = people.get(shop.unit_id) or []
        shelf = goods(shop.id)
        for i, person in enumerate(persons):
            days_ago = rng.randint(0, 28)
            at = now - timedelta(days=days_ago, hours=rng.randint(1, 6))
            good = rng.choice([g for g in shelf if g.price <= 40])
            order, _new = place(shop.id, person.id, [{"good_id": good.id, "quantity": 1}], by=clerk if i % 2 else
                                person, key=f"demo-order-{person.id}", at=at)
            if days_ago > 2 and i % 5 != 4:
                hand_over(order.code, by=clerk)
                order.closed_at = at + timedelta(hours=rng.randint(1, 40))
            elif days_ago > 2:
                _give_back(order, "expired")
                order.closed_at = order.expires_at
            count += 1
    return count


def _merchants(people) -> int:
    from .merchants.services import save_merchant, take
    made = [save_merchant({"name": n, "address": a, "offer": o, "points_price": p, "min_stars": s, "pin": pin})
            for n, a, o, p, s, pin in MERCHANTS]
    count = 0
    for persons in people.values():
        for person in persons[:1]:
            take(made[-1].id, member=person, key="demo-voucher")
            count += 1
    return count
