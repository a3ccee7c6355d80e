"""A minimal plugin used by the kernel's contract tests (not installed by entry point).

It exercises every kind of contribution: manifest with settings, an API and a page
blueprint, a nav item, an event hook, a periodic job and roll-up stats.
"""
from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields

from yinghuo.api import Blueprint as ApiBlueprint
from yinghuo.api import (NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, Stat, Verification,
                         Widget, current_tenant, gate, hookimpl)

#: what the event hooks saw: (hook, tenant slug, detail)
CALLS: list[tuple] = []
#: what the sample SMS channel "sent": (phone, text)
SMS_SENT: list[tuple] = []


class SampleSmsChannel:
    """A stand-in SMS gateway: shows how a plugin adds a delivery channel."""

    name = "sample_sms"

    def send(self, member, account, notification, text):
        if not member.phone:
            return False
        SMS_SENT.append((member.phone, f"{text.title}：{text.body}"))
        return True


class SampleSettings(Schema):
    greeting = fields.String(load_default="你好")


@hookimpl
def yinghuo_notification_channels():
    return [SampleSmsChannel()]


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="sample", title_zh="示例插件", title_en="Sample plugin",
                          settings_schema=SampleSettings)


@hookimpl
def yinghuo_blueprints(app):
    from flask import Blueprint
    api = ApiBlueprint("sample_api", __name__, description="Sample plugin API")

    @api.route("/hello")
    @gate.public
    def hello():
        """Greets in the tenant's configured greeting."""
        return jsonify({"greeting": current_tenant().settings["sample"]["greeting"]})

    @api.route("/leaders-only")
    @gate.permission("sample.greet")
    def leaders_only():
        """Only roles granted ``sample.greet`` (leaders) get here."""
        return jsonify({"ok": True})

    page = Blueprint("sample_pages", __name__)

    @page.route("/")
    @gate.public
    def index():
        return "<p>sample page</p>"

    return [PluginBlueprint("api", api), PluginBlueprint("page", page)]


@hookimpl
def yinghuo_permissions():
    return [Permission("sample.greet", "Greet on behalf of the tenant", ("leader",))]


@hookimpl
def yinghuo_nav_items(tenant, area):
    return [NavItem("Sample", "sample_pages.index")] if area == "portal" else []


@hookimpl
def yinghuo_member_joined(tenant, member):
    CALLS.append(("member_joined", tenant.slug, member.name))


@hookimpl
def yinghuo_activity_published(tenant, activity):
    CALLS.append(("activity_published", tenant.slug, activity.title))


@hookimpl
def yinghuo_activity_completed(tenant, activity):
    CALLS.append(("activity_completed", tenant.slug, activity.title))


@hookimpl
def yinghuo_hours_recorded(tenant, record):
    CALLS.append(("hours_recorded", tenant.slug, record.id, record.evidence))


@hookimpl
def yinghuo_hours_approved(tenant, record):
    CALLS.append(("hours_approved", tenant.slug, record.id))


@hookimpl
def yinghuo_tenant_enabled(tenant, first_time):
    CALLS.append(("enabled", tenant.slug, first_time))


@hookimpl
def yinghuo_tenant_disabled(tenant):
    CALLS.append(("disabled", tenant.slug, None))


#: activities whose title starts with this take only leaders (the sample's sign-up rule)
LEADERS_ONLY = "【队员专场】"


@hookimpl
def yinghuo_signup_refusal(tenant, activity, member):
    if activity.title.startswith(LEADERS_ONLY) and "leader" not in member.role_names:
        return "this session is for squad leaders only"
    return None


@hookimpl
def yinghuo_cli_commands(cli):
    import click

    @cli.command("sample-greet")
    @click.argument("name")
    def greet(name):
        """Print the sample plugin's greeting (shows how a plugin adds a command)."""
        click.echo(f"你好，{name}")


@hookimpl
def yinghuo_dashboard_widgets(tenant, member):
    return [Widget("Sample figure", 42, "from the sample plugin")]


@hookimpl
def yinghuo_activity_categories(tenant):
    return ["示例类别"]


@hookimpl
def yinghuo_demo_data(tenant):
    CALLS.append(("demo", tenant.slug, None))
    return "sample: nothing to seed"


#: codes the sample issued with new_verification_code() (a real plugin keeps them in its table)
ISSUED: set[str] = set()


@hookimpl
def yinghuo_verify_code(tenant, code):
    if code in ISSUED:
        return Verification("sample", True, {"what": "a sample pass"})
    return None


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo.testing.sample_plugin.nightly", interval_seconds=3600)]


@hookimpl
def yinghuo_rollup_stats(tenant):
    return [Stat("sample_things", 7)]


def nightly(tenant_id):
    CALLS.append(("nightly", tenant_id, None))
