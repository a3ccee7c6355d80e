"""The dashboard's points figures, and what a hub sees of a child tenant's points work."""
from .conftest import adjust, post
from .test_pages import page_for


def test_hook_dashboard_widgets_show_the_counter_its_queue_and_the_admin_the_objections(app, client, village,
                                                                                         shop):
    adjust(client, village, 100)
    post(client, "/orders", village["granny"], shop_id=shop["id"], lines=[{"good_id": shop["rice"], "quantity": 1}])
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5)
    award = post(client, "/awards", village["clerk"], item_id=toilet["id"], member_id=village["ids"]["granny"])
    post(client, f"/awards/{award['id']}/objections", {}, name="李大爷", reason="不属实")
    clerk = page_for(app, "clerk@village.test").get("/t/village/").get_data(as_text=True)
    assert "待领取的兑换" in clerk and "公示中的积分" in clerk and "待处理的异议" not in clerk
    admin = page_for(app, "admin@village.test").get("/t/village/").get_data(as_text=True)
    assert "待处理的异议" in admin
    granny = page_for(app, "granny@village.test").get("/t/village/").get_data(as_text=True)
    assert "待领取的兑换" not in granny


def test_hook_rollup_stats_a_hub_sees_counts_of_a_points_child(client, make_tenant, login):
    make_tenant("hub", kind="hub", admin="admin@hub.test")
    make_tenant("kid", parent="hub", plugins=["points"])
    make_tenant("other", parent="hub")
    stats = {r["slug"]: r["stats"] for r in client.get("/t/hub/api/v1/rollup",
                                                       headers=login("hub", "admin@hub.test")).get_json()}
    assert stats["kid"]["points_orders"] == 0 and stats["kid"]["points_shops"] == 0
    assert "points_entries" not in stats["other"]
