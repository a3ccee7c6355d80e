"""Items and public notice on pages: the item list (kept by the village admin), an award at
the counter, the village's notice board with objections, its printable posters, and the
admin's decisions on objections."""
from __future__ import annotations

import io
import secrets

from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from yinghuo.api import (MAX_PHOTO, NotFound, current_member, db, form_errors, gate, get_unit, html_to_pdf, load_form,
                         posted, qr_data_uri, rate_limit, units_of_type)

from ..blueprints import pages as bp
from ..settings import settings
from . import services
from .api import ItemIn, ObjectionIn


@bp.route("/items", methods=["GET", "POST"])
@gate.permission("points.manage")
@form_errors
def items():
    """The published list: add an item, retire one."""
    if posted():
        if request.form.get("do") == "retire":
            services.retire_item(request.form.get("item_id", type=int))
        else:
            services.create_item(load_form(ItemIn()))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".items"))
    return render_template("points/items.html", items=services.items(), villages=units_of_type("village"))


@bp.route("/awards", methods=["POST"])
@gate.permission("points.award")
@form_errors
def award():
    """An award entered at the counter (from the person's page there)."""
    member_id = request.form.get("member_id", type=int)
    upload = request.files.get("photo")
    photo = upload.read(MAX_PHOTO + 1) if upload and upload.filename else None
    household_id = request.form.get("household_id", type=int)
    data = {"item_id": request.form.get("item_id", type=int), "member_id": None if household_id else member_id,
            "household_id": household_id, "note": request.form.get("note", "")}
    row, _new = services.award(data, by=g.member, key=request.form.get("idempotency_key", ""), photo=photo)
    db.session.commit()
    flash(_("Awarded: on the village's notice page for %(days)s days before it credits.",
            days=settings()["notice_days"]) if row.status == "notice" else _("Saved."), "ok")
    return redirect(url_for(".counter_person", member_id=member_id) if member_id else
                    url_for(".notice", unit_id=row.unit_id))


@bp.route("/notice")
@gate.public
def notice_index():
    """Every village's notice board."""
    return render_template("points/notice_index.html", villages=units_of_type("village"))


@bp.route("/notice/<int:unit_id>", methods=["GET", "POST"])
@gate.public
@form_errors
def notice(unit_id):
    """The village's notice board (公示): awards under notice, each with its objection form."""
    village = get_unit(unit_id)
    if posted():
        rate_limit("public_form")
        award_id = request.form.get("award_id", type=int)
        if services.get_award(award_id).unit_id != village.id:
            raise NotFound("no such award")
        data = load_form(ObjectionIn())
        services.object_to(award_id, name=data["name"], reason=data["reason"], member=current_member())
        db.session.commit()
        flash(_("Your objection is recorded; the award is held until the village decides."), "ok")
        return redirect(url_for(".notice", unit_id=unit_id))
    return render_template("points/notice.html", village=village, rows=services.notice_rows(unit_id),
                           items=services.items(unit_id), objecting=request.args.get("object", type=int))


@bp.route("/awards/<int:award_id>/photo")
@gate.permission("points.view")
def award_photo(award_id):
    """The evidence photo of an award (for those who check awards, not the public page)."""
    from flask import Response
    row = services.get_award(award_id)
    if not row.photo_type:
        raise NotFound("no photo")
    return Response(row.photo, mimetype=row.photo_type, headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/awards/<int:award_id>/withdraw", methods=["POST"])
@gate.permission("points.adjust")
@form_errors
def withdraw(award_id):
    """The admin takes back an award still on notice, with the reason."""
    row = services.withdraw(award_id, reason=request.form.get("reason", ""), by=g.member)
    db.session.commit()
    flash(_("Saved."), "ok")
    return redirect(url_for(".notice", unit_id=row.unit_id))


def _pdf(template: str, name: str, **context):
    html = render_template(template, **context)
    return send_file(io.BytesIO(html_to_pdf(html)), mimetype="application/pdf", download_name=name)


@bp.route("/notice/<int:unit_id>/poster.pdf")
@gate.permission("points.view")
def notice_poster(unit_id):
    """The notice board as a poster for the village's board: full names, the QR code of the page."""
    village = get_unit(unit_id)
    link = url_for(".notice", unit_id=unit_id, _external=True)
    rows = [r for r in services.notice_rows(unit_id, masked=False) if r["status"] in ("notice", "held")]
    return _pdf("points/notice_poster.html", f"notice-{unit_id}.pdf", village=village, rows=rows, qr=qr_data_uri(link),
                link=link)


@bp.route("/items/poster.pdf")
@gate.public
def items_poster():
    """The item list of a village (``?unit_id=``) as a printable poster."""
    unit_id = request.args.get("unit_id", type=int)
    village = get_unit(unit_id) if unit_id else None
    link = url_for(".notice", unit_id=unit_id, _external=True) if unit_id else url_for(".notice_index",
                                                                                       _external=True)
    return _pdf("points/items_poster.html", f"items-{unit_id or 'all'}.pdf", village=village,
                items=services.items(unit_id), qr=qr_data_uri(link))


@bp.route("/objections", methods=["GET", "POST"])
@gate.permission("points.adjust")
@form_errors
def objections():
    """Open objections, each with its award: uphold (the award is cancelled) or dismiss."""
    if posted():
        services.decide(request.form.get("objection_id", type=int), uphold=request.form.get("do") == "uphold",
                        note=request.form.get("note", ""), by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".objections"))
    rows = []
    for objection in services.open_objections():
        award_row = services.get_award(objection.award_id)
        rows.append({"o": objection, "a": award_row, "item": services.get_item(award_row.item_id),
                     "who": services.who(award_row)})
    return render_template("points/objections.html", rows=rows)


def new_key() -> str:
    return secrets.token_hex(8)
