"""Server-rendered pages: login, tenant home, tenant admin, operator console, audit log.

Routes are thin: parse the form, call one service, render. Domain errors become a
flash message on the same form (pages) instead of a JSON error.
"""
from __future__ import annotations

import re
from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .audit import AuditEntry
from .errors import DomainError, Invalid
from .extensions import db
from .i18n import FIELD_LABELS, describe_fields
from .people import auth
from .people import services as people
from . import gate
from .people.identity import login_session
from .people.models import ROLES, Member
from .tenancy import services as tenancy
from .tenancy.models import KINDS, Tenant
from .units import services as units

pages = Blueprint("pages", __name__, url_prefix="/t/<tenant>")
console = Blueprint("console", __name__)


#: fields never written back into a page shown again
SECRET_FIELDS = ("password", "new_password", "current_password", "otp", "code", "csrf_token")


def form_errors(view):
    """Show a domain error of a form submission as a message on the page it came from.

    A form page that also answers GET (its own form posts back to it) is shown again at
    once, with the message, the fields as they were typed (``kept``; never a password) and
    each field's reason beside it (``field_error``), answered with the error's status. Any
    other form redirects back to the page it came from. Errors while merely showing a page
    (403, 404) are answered as errors: redirecting to the same page would loop."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            if request.method == "GET":
                raise
            db.session.rollback()
            details = describe_fields(exc.fields)
            flash(f"{exc.for_people()}{' (' + details + ')' if details else ''}", "error")
            if request.url_rule is not None and "GET" in request.url_rule.methods:
                g.kept_form = {k: v for k, v in request.form.items() if k not in SECRET_FIELDS}
                g.kept_errors = exc.fields or {}
                response = current_app.make_response(view(*args, **kwargs))
                response.status_code = exc.status
                return response
            came_from = request.referrer or ""
            return redirect(came_from if came_from.startswith(request.host_url) else request.url)
    return wrapper


def posted() -> bool:
    """True while handling a form's submission; False when the page is being shown, also
    when ``form_errors`` shows it again after a refused submission."""
    return request.method == "POST" and g.get("kept_form") is None


def kept(name: str, default=""):
    """In a form template: what the person typed into ``name`` before the refusal, else
    ``default``."""
    form = g.get("kept_form")
    return form.get(name, default) if form is not None else default


def field_error(name: str) -> str:
    """In a form template: why ``name`` was refused, in the page's language ("" if it was not)."""
    reasons = (g.get("kept_errors") or {}).get(name)
    return describe_fields({name: reasons}).split(": ", 1)[-1] if reasons else ""


@pages.app_context_processor
def _form_helpers():
    return {"kept": kept, "field_error": field_error, "allowed": gate.allowed}


def load_form(schema, source=None) -> dict:
    """A page's form read through the marshmallow schema the API uses for the same thing: an
    empty field counts as not given (its default applies), unknown fields are ignored, and a
    bad value is a 422 naming the field, which ``form_errors`` shows on the page."""
    from marshmallow import EXCLUDE, ValidationError, fields
    form = request.form if source is None else source
    data = {}
    for key in form:
        field = schema.fields.get(key)
        values = [v for v in form.getlist(key) if v != ""]
        if field is None or field.dump_only or not values:
            continue
        data[key] = values if isinstance(field, fields.List) else values[0]
    try:
        return schema.load(data, unknown=EXCLUDE)
    except ValidationError as exc:
        raise Invalid("Some fields are invalid", fields=exc.messages) from None


def nav(area: str):
    host = current_app.extensions["yinghuo"].host
    items = [i for group in host.hooks_for(g.tenant).yinghuo_nav_items(
        tenant=g.tenant, member=g.member, area=area) for i in (group or [])]
    return sorted(items, key=lambda i: i.order)


@pages.app_context_processor
def _nav():
    return {"nav": nav if g.get("tenant") is not None else (lambda area: [])}


# --- sign in -------------------------------------------------------------------------

def same_site_path(target: str) -> bool:
    """Is ``target`` a path on this site ("/t/x/..."), and nothing a browser could take for
    another site ("//evil.example", "/\\evil", "https://…", "javascript:…")? Only those are
    followed after sign-in."""
    from urllib.parse import urlsplit
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _login(next_endpoint: str, **values):
    if posted():
        try:
            account = auth.authenticate(request.form.get("login", ""), request.form.get("password", ""),
                                        request.form.get("otp") or None)
        except DomainError as exc:
            flash(exc.for_people(), "error")
            return render_template("login.html", needs_otp=exc.code == "otp_required"), exc.status
        login_session(account)
        wanted = request.args.get("next") or ""
        return redirect(wanted if same_site_path(wanted) else url_for(next_endpoint, **values))
    return render_template("login.html", needs_otp=False)


@pages.route("/login", methods=["GET", "POST"])
@gate.public
def login():
    return _login("pages.tenant_home")


@console.route("/login", methods=["GET", "POST"])
@gate.public
def operator_login():
    return _login("console.tenants")


@console.route("/logout", methods=["POST"])
@gate.public
def logout():
    session.clear()
    return redirect(url_for("console.operator_login"))


@console.route("/")
@gate.public
def index():
    """The platform's front door: operators go to the console; everyone else picks their
    tenant (county, university, hub) from the list, or searches it by name."""
    account = g.get("account")
    if account is not None and account.is_operator:
        return redirect(url_for("console.tenants"))
    q = request.args.get("q", "").strip()
    stmt = select(Tenant).where(Tenant.status == "active").order_by(Tenant.kind, Tenant.slug)
    if q:
        stmt = stmt.where(Tenant.name.contains(q, autoescape=True))
    listed = [t for t in db.session.scalars(stmt) if t.setting("listed", True)]
    return render_template("chooser.html", tenants=listed, q=q)


# --- two-step verification ----------------------------------------------------------

def _security(here: str):
    """Turn on two-step verification (TOTP) for the signed-in account: a QR code and the key
    to type in for the authenticator app, then a code from it to confirm. The key waits in
    the session until it is confirmed; until then nothing changes for the account."""
    from . import audit
    from .documents import qr_data_uri
    account = g.account
    if account.totp_secret:
        return render_template("security.html", enabled=True)
    if posted():
        secret = session.get("totp_pending")
        if not secret:
            flash(_("The page had expired; scan the new code."), "error")
            return redirect(url_for(here))
        auth.confirm_totp(account, secret, request.form.get("code", "").strip())
        audit.record("account.totp", "account", account.id, after={"enrolled": True})
        db.session.commit()
        session.pop("totp_pending", None)
        flash(_("Two-step verification is on. Sign-ins now ask for a code from your app."), "ok")
        return redirect(url_for(here))
    secret = session.get("totp_pending") or auth.new_totp_secret()
    session["totp_pending"] = secret
    issuer = g.tenant.display_name if g.get("tenant") is not None else _("Yinghuo")
    uri = auth.totp_uri(account, secret, issuer=issuer)
    return render_template("security.html", enabled=False, qr=qr_data_uri(uri),
                           key=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@pages.route("/me/security", methods=["GET", "POST"])
@gate.signed_in
@form_errors
def security():
    return _security("pages.security")


@console.route("/console/security", methods=["GET", "POST"])
@gate.operator
@form_errors
def operator_security():
    return _security("console.operator_security")


# --- tenant pages --------------------------------------------------------------------

@pages.route("/")
@gate.public
def tenant_home():
    widgets = []
    if g.get("member") is not None:
        host = current_app.extensions["yinghuo"].host
        widgets = [w for group in host.hooks_for(g.tenant).yinghuo_dashboard_widgets(tenant=g.tenant, member=g.member)
                   for w in (group or [])]
    return render_template("tenant_home.html", widgets=widgets)


@pages.route("/register", methods=["GET", "POST"])
@gate.public
@form_errors
def register():
    """A new volunteer's login and membership. The answer is the same whether or not the
    e-mail or phone had a login already (its owner is told instead), so the page never says
    which logins exist; the new volunteer then signs in."""
    if posted():
        form = request.form.to_dict()
        form["consent"] = form.get("consent") == "on"
        people.register(g.tenant, form)
        db.session.commit()
        flash(_("Thank you. If this e-mail or phone was new, your account is ready: sign in below. If it "
                "had an account already, its owner has been told how to join with it."), "ok")
        return redirect(url_for("pages.login"))
    return render_template("register.html", units=units.tree(), joining=False)


@pages.route("/join", methods=["GET", "POST"])
@gate.signed_in
@form_errors
def join():
    """A signed-in person joins this tenant with the login they have."""
    if g.get("member") is not None:
        return redirect(url_for("pages.tenant_home"))
    if posted():
        form = request.form.to_dict()
        form["consent"] = form.get("consent") == "on"
        people.join(g.tenant, g.account, form)
        db.session.commit()
        flash(_("Welcome! You have joined."), "ok")
        return redirect(url_for("pages.tenant_home"))
    return render_template("register.html", units=units.tree(), joining=True)


@pages.route("/admin/members")
@gate.permission("members.manage")
def admin_members():
    """Members, 50 a page in the order they joined the list (keyset: ``?after=<id>``, so the
    hundredth page costs what the first does); each row's roles change on its own page."""
    q = request.args.get("q", "").strip()
    after = request.args.get("after", type=int) or 0
    stmt = select(Member).where(Member.id > after).order_by(Member.id).limit(MEMBERS_PAGE + 1)
    if q:
        stmt = stmt.where(people.name_contains(q))
    found = people.load_roles(db.session.scalars(stmt))
    roles_url, reset_url = (row_url(endpoint, "member_id") for endpoint in ("pages.admin_member_roles",
                                                                          "pages.admin_reset_link"))
    rows = [{**people.member_view(m), "role_names": m.role_names, "has_login": m.account_id is not None,
             "roles_url": roles_url(m.id), "reset_url": reset_url(m.id)} for m in found[:MEMBERS_PAGE]]
    following = rows[-1]["id"] if len(found) > MEMBERS_PAGE else None
    from .people.models import ROLES
    return render_template("admin/members.html", members=rows, q=q, after=after, following=following,
                           role_names={r: _(r) for r in ROLES})


#: members on one page of the admin's list
MEMBERS_PAGE = 50


def row_url(endpoint: str, key: str):
    """``url_for(endpoint, key=n)`` for the rows of a table, built once: the URL for a
    stand-in number, the row's number put in its place (a url_for costs ~8 us, two a row)."""
    stand_in = 918273645546372819
    built = url_for(endpoint, **{key: stand_in})
    head, _, tail = built.partition(str(stand_in))
    return lambda value: f"{head}{int(value)}{tail}"


@pages.route("/me/account", methods=["GET", "POST"])
@gate.member
@form_errors
def my_account():
    """My name and phone here, and my password."""
    from .people import passwords
    if posted() and request.form.get("do") == "password":
        passwords.change_password(g.account, request.form.get("current_password", ""),
                                  request.form.get("new_password", ""), request.form.get("repeat_password", ""))
        db.session.commit()
        flash(_("Your password is changed."), "ok")
        return redirect(url_for("pages.my_account"))
    if posted():
        people.update_profile(g.member, name=request.form.get("name", ""), phone=request.form.get("phone", ""))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for("pages.my_account"))
    return render_template("account.html")


@pages.route("/reset", methods=["GET", "POST"])
@gate.public
@form_errors
def reset_request():
    """Forgot the password: a link by email where the platform sends mail; otherwise (and
    for accounts without email) the page says to ask an admin or leader, who can make one."""
    from .jobs import enqueue
    from .people import passwords
    from .ratelimit import take
    if posted():
        take("public_form")
        account = auth.find_account(request.form.get("login", ""))
        if account is not None and account.email and current_app.config.get("YINGHUO_SMTP_URL"):
            link = url_for("pages.reset_password", token=passwords.reset_token(account), _external=True)
            enqueue("yinghuo.people.passwords.send_reset_link", tenant_id=g.tenant.id, account_id=account.id,
                    link=link)
            db.session.commit()
        flash(_("If this account has an email address, a link to set a new password is on its way. "
                "Otherwise ask your administrator or leader for a reset link."), "ok")
        return redirect(url_for("pages.reset_request"))
    return render_template("reset_request.html", mail=bool(current_app.config.get("YINGHUO_SMTP_URL")))


@pages.route("/reset/<token>", methods=["GET", "POST"])
@gate.public
@form_errors
def reset_password(token):
    from .people import passwords
    account = passwords.account_for(token) if not posted() else None
    if posted():
        account = passwords.reset_password(token, request.form.get("new_password", ""),
                                           request.form.get("repeat_password", ""))
        db.session.commit()
        flash(_("Your new password is set. Sign in with it."), "ok")
        return redirect(url_for("pages.login"))
    return render_template("reset_password.html", account=account)


@pages.route("/admin/members/<int:member_id>/reset-link", methods=["POST"])
@gate.permission("members.manage")
@form_errors
def admin_reset_link(member_id):
    """A one-time link (24 hours) for a member to set a new password, shown to the admin to
    pass on; the member must have a login."""
    from . import audit
    from .people import passwords
    member = people.get_member(member_id)
    if member.account is None:
        raise Invalid("%(name)s has no login yet", params={"name": member.name}, fields={"member_id": ["no login"]})
    link = url_for("pages.reset_password", token=passwords.reset_token(member.account), _external=True)
    audit.record("account.password.link", "member", member.id)
    db.session.commit()
    return render_template("reset_link.html", person=member, link=link, hours=passwords.LINK_HOURS)


@pages.route("/admin/members/new", methods=["GET", "POST"])
@gate.permission("members.manage")
@form_errors
def admin_member_new():
    """Add a person by hand (a villager without a phone, a new volunteer at the desk)."""
    if posted():
        roles = [r for r in request.form.getlist("roles") if r in ROLES] or ["volunteer"]
        member = people.add_member(g.tenant, {
            "name": (request.form.get("name") or "").strip(), "phone": (request.form.get("phone") or "").strip(),
            "id_type": request.form.get("id_type") or None, "id_number": (request.form.get("id_number") or "").strip(),
            "unit_id": request.form.get("unit_id", type=int), "roles": roles})
        db.session.commit()
        flash(_("%(name)s is added.", name=member.name), "ok")
        return redirect(url_for("pages.admin_members", q=member.name))
    from .people.models import ID_TYPES
    return render_template("admin/member_new.html", units=units.tree(), roles=ROLES, id_types=ID_TYPES)


@pages.route("/admin/members/<int:member_id>/roles", methods=["GET", "POST"])
@gate.permission("members.manage")
@form_errors
def admin_member_roles(member_id):
    """One member's roles (and the unit a unit admin runs)."""
    if not posted():
        member = people.get_member(member_id)
        return render_template("admin/member_roles.html", m=member, roles=ROLES, units=units.tree(),
                               unit_admin_of=next((r.unit_id for r in member.roles if r.role == "unit_admin"), None))
    unit_id = request.form.get("unit_id", type=int)
    roles = [{"role": r, "unit_id": unit_id if r == "unit_admin" else None}
             for r in request.form.getlist("roles")]
    people.set_roles(people.get_member(member_id), roles)
    db.session.commit()
    flash(_("Roles saved."), "ok")
    return redirect(url_for("pages.admin_members"))


@pages.route("/admin/units", methods=["GET", "POST"])
@gate.permission("units.manage")
@form_errors
def admin_units():
    """The org tree one level at a time (``?under=<unit>``; the top-level units without it):
    each unit with its members and those of the units under it, and how many units are
    directly under it; a unit added here goes under the unit shown."""
    if posted():
        units.check_may_add_under(g.member, request.form.get("parent_id", type=int))
        units.create_unit(g.tenant, name=request.form.get("name", ""), type=request.form.get("type", ""),
                          parent_id=request.form.get("parent_id", type=int))
        db.session.commit()
        flash(_("Unit added."), "ok")
        return redirect(url_for("pages.admin_units", under=request.form.get("parent_id", type=int)))
    under = request.args.get("under", type=int)
    here = units.get_unit(under) if under is not None else None
    counts, counted_at = unit_member_counts()
    totals, subunits = units.below(counts)
    shown = units.children(under)
    types = g.tenant.setting("unit_types") or []
    return render_template("admin/units.html", here=here, trail=units.ancestors(here) if here else [],
                           units=shown, totals=totals, subunits=subunits, counted_at=counted_at,
                           types=types, type_names={t: _(t) for t in {*types, *(u.type for u in shown)}})


def unit_member_counts() -> tuple[dict[int, int], object]:
    """Each unit's own members: counted now in a tenant of up to ``EXACT_UP_TO`` members (a
    grouped read of them), else from the dashboard's kept figures, with the time they were
    computed (a city's million members take a quarter of a second to count). When the kept
    figures already say the tenant is bigger than that, they are read without counting to
    find out."""
    from . import snapshots
    from .people.api import EXACT_UP_TO
    from .people.services import count_up_to
    kept = snapshots.fresh("dashboard")   # a big tenant's own figures say so: no count needed to know
    if kept is not None and kept.data.get("totals", {}).get("members", 0) > EXACT_UP_TO \
            and "members_by_unit" in kept.data:
        return {int(k): n for k, n in kept.data["members_by_unit"].items()}, kept.computed_at
    if count_up_to(select(Member.id), EXACT_UP_TO) <= EXACT_UP_TO:
        return dict(db.session.execute(select(Member.unit_id, func.count()).group_by(Member.unit_id)).all()), None
    figures, computed_at = snapshots.current("dashboard", still_valid=lambda data: "members_by_unit" in data)
    db.session.commit()   # figures computed now are kept for the next reader
    return {int(k): n for k, n in figures["members_by_unit"].items()}, computed_at


def _shown(value, tr) -> str:
    """An audited value as people read it: times in China time, codes by their names
    (``tr``: the request's gettext)."""
    from datetime import datetime

    from .times import CHINA
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, (list, tuple)):
        return "、".join(_shown(v, tr) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{tr(FIELD_LABELS.get(k, k))}: {_shown(v, tr)}" for k, v in value.items())
    text = str(value)
    if _MOMENT.fullmatch(text):
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
        return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    if _CODE.fullmatch(text):
        return tr(text)
    return text


_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")
_CODE = re.compile(r"[a-z][a-z0-9]*([._][a-z0-9]+)+|[a-z]+")


def audit_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """An audit row's before and after as (field, was, now) lines people read."""
    from .i18n import current_translations
    tr = current_translations().ugettext   # once a page, not once a word (Flask-Babel's lookup is slow)
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(tr(FIELD_LABELS.get(k, k)), _shown(before[k], tr) if k in before else "", _shown(after.get(k), tr))
            for k in keys]


@pages.app_context_processor
def _audit_helpers():
    return {"audit_changes": audit_changes}


@pages.route("/admin/audit")
@gate.permission("audit.read")
def admin_audit():
    """The tenant's audit log, newest first, 50 a page (keyset: ``?before=<id>``)."""
    before = request.args.get("before", type=int)
    stmt = select(AuditEntry).where(AuditEntry.tenant_id == g.tenant.id)
    if before:
        stmt = stmt.where(AuditEntry.id < before)
    rows = list(db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE + 1)))
    following = rows[AUDIT_PAGE - 1].id if len(rows) > AUDIT_PAGE else None
    return render_template("audit.html", entries=rows[:AUDIT_PAGE], before=before, following=following)


#: audit entries on one page (each with its changes spelled out: 200 took 60 ms to render)
AUDIT_PAGE = 50


# --- operator console ----------------------------------------------------------------

@console.route("/console/tenants")
@gate.operator
def tenants():
    rows = db.session.scalars(select(Tenant).order_by(Tenant.slug)).all()
    return render_template("console/tenants.html", tenants=rows,
                           plugins=current_app.extensions["yinghuo"].host.manifests)


@console.route("/console/tenants/new", methods=["GET", "POST"])
@gate.operator
@form_errors
def tenant_new():
    host = current_app.extensions["yinghuo"].host
    if posted():
        f = request.form
        tenant = tenancy.create_tenant(
            slug=f.get("slug", "").strip(), name=f.get("name", "").strip(), kind=f.get("kind", ""),
            parent=f.get("parent") or None, plugins=f.getlist("plugins"),
            branding={"display_name": f.get("display_name", ""), "slogan": f.get("slogan", "")})
        if f.get("admin_email"):
            people.make_admin(tenant, email=f["admin_email"], password=f.get("admin_password"))
        db.session.commit()
        flash(_("Tenant %(slug)s created.", slug=tenant.slug), "ok")
        return redirect(url_for("console.tenants"))
    hubs = db.session.scalars(select(Tenant).where(Tenant.kind == "hub")).all()
    return render_template("console/tenant_form.html", kinds=KINDS, plugins=host.manifests, hubs=hubs)


@console.route("/console/tenants/<slug>", methods=["GET", "POST"])
@gate.operator
@form_errors
def tenant_detail(slug):
    tenant = tenancy.get_tenant(slug)
    if posted():
        action = request.form.get("action")
        if action == "plugins":
            tenancy.set_plugins(tenant, request.form.getlist("plugins"))
        elif action in ("suspend", "resume"):
            tenancy.set_status(tenant, "suspended" if action == "suspend" else "active",
                               request.form.get("reason") or None)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for("console.tenant_detail", slug=slug))
    rollup = tenancy.rollup(tenant) if tenant.kind == "hub" else []
    return render_template("console/tenant_detail.html", t=tenant, rollup=rollup,
                           plugins=current_app.extensions["yinghuo"].host.manifests)


#: the kernel settings the console's settings page edits, by kind of field
_FLAGS = ("self_registration", "require_totp_for_admins", "listed")
_NUMBERS = ("session_idle_minutes", "export_retention_days", "audit_retention_days")
_LINES = ("activity_categories", "unit_types")


@console.route("/console/tenants/<slug>/settings", methods=["GET", "POST"])
@gate.operator
@form_errors
def tenant_settings(slug):
    """A tenant's name, branding (display name, slogan, logo) and the kernel's settings,
    checked by the same schema as the API; plugins' settings are kept as they are."""
    tenant = tenancy.get_tenant(slug)
    if posted():
        f = request.form
        settings = dict(tenant.settings or {})
        settings.update({k: bool(f.get(k)) for k in _FLAGS})
        settings.update({k: f.get(k, type=int) for k in _NUMBERS if f.get(k)})
        settings.update({k: [line.strip() for line in f.get(k, "").splitlines() if line.strip()] for k in _LINES})
        settings["privacy_notice"] = f.get("privacy_notice", "")
        settings["privacy_notice_version"] = f.get("privacy_notice_version", "").strip() or "1"
        try:
            settings["star_thresholds"] = [int(x) for x in f.get("star_thresholds", "").replace("，", ",").split(",")
                                           if x.strip()]
        except ValueError:
            raise Invalid("Tenant settings are invalid", fields={"star_thresholds": ["whole numbers"]}) from None
        settings["certificate_issuer"] = {k: f.get(f"issuer_{k}", "").strip() for k in (
            "organisation", "person_in_charge", "handler", "contact") if f.get(f"issuer_{k}", "").strip()}
        if (tenant.settings or {}).get("certificate_issuer", {}).get("seal"):
            settings["certificate_issuer"]["seal"] = tenant.settings["certificate_issuer"]["seal"]
        branding = {k: f.get(k, "").strip() for k in ("display_name", "slogan", "logo") if f.get(k, "").strip()}
        tenancy.update_tenant(tenant, {"name": f.get("name", "").strip() or tenant.name, "branding": branding,
                                       "settings": settings})
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for("console.tenant_settings", slug=slug))
    return render_template("console/tenant_settings.html", t=tenant)


@console.route("/console/status")
@gate.operator
def operator_status():
    """How the deployment is: the doctor's checks (settings, database roles, Redis, workers,
    the PDF font), the periodic jobs' last runs and the jobs waiting in the outbox."""
    from sqlalchemy import func
    from . import doctor, periodic
    from .jobs import OutboxJob
    findings = doctor.run(app=current_app._get_current_object())
    runs = periodic.last_runs()
    waiting, oldest = db.session.execute(select(func.count(), func.min(OutboxJob.created_at))).one()
    return render_template("console/status.html", findings=findings, runs=runs, waiting=waiting, oldest=oldest)


@console.route("/console/audit")
@gate.operator
def operator_audit():
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300))
    return render_template("audit.html", entries=list(rows))
