"""The report life cycle: one table of allowed transitions, one function that applies them.

draft -> submitted -> (returned with comments -> resubmitted)* -> accepted by a reviewer
from the archive group (or a tenant admin)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from flask import has_request_context, url_for
from yinghuo.api import Conflict, Forbidden, Invalid, NotFound, allowed, audit, change_if, db, get_unit, notify, utcnow

from ..settings import settings
from ..squads.services import is_in_squad
from .models import Report, ReportReview

KINDS = ("weekly", "monthly", "case")
#: the kinds' names in documents and messages (Chinese, like the documents themselves)
KIND_NAMES = {"weekly": "周工作小结", "monthly": "月度简报", "case": "案例"}
#: action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ({"draft"}, "submitted"),
    "return": ({"submitted", "resubmitted"}, "returned"),
    "resubmit": ({"returned"}, "resubmitted"),
    "accept": ({"submitted", "resubmitted"}, "accepted"),
}
REVIEW_ACTIONS = {"return", "accept"}
#: the states a reviewer has to act on
WAITING = ("submitted", "resubmitted")


def get_report(report_id: int) -> Report:
    report = db.session.scalar(select(Report).where(Report.id == report_id))
    if report is None:
        raise NotFound("no such report")
    return report


def check_period(kind: str, start: date) -> None:
    if kind not in KINDS:
        raise Invalid("unknown kind of report", fields={"kind": [f"one of {', '.join(KINDS)}"]})
    if kind == "weekly" and start.weekday() != 0:
        raise Invalid("A weekly summary's period starts on a Monday", fields={"period_start": ["not a Monday"]})
    if kind == "monthly" and start.day != 1:
        raise Invalid("A monthly brief's period starts on the 1st", fields={"period_start": ["not the 1st"]})


def create(squad_id: int, author, *, kind: str, period_start: date, title: str, sections: dict) -> Report:
    """A draft by a member of the squad; one weekly or monthly report per squad and period."""
    check_period(kind, period_start)
    if not is_in_squad(author, squad_id):
        raise Forbidden("Only members of the squad write its reports")
    if kind != "case" and db.session.scalar(select(Report.id).where(
            Report.squad_id == squad_id, Report.kind == kind, Report.period_start == period_start)) is not None:
        raise Conflict("This squad already has a report for this period", code="duplicate_report")
    report = Report(squad_id=squad_id, kind=kind, period_start=period_start, title=title, sections=sections,
                    author_id=author.id, status="draft")
    db.session.add(report)
    db.session.flush()
    audit("teams.report.create", "report", report.id, after={"kind": kind, "period": period_start})
    return report


def edit(report: Report, author, *, title: str | None = None, sections: dict | None = None) -> Report:
    if report.status not in ("draft", "returned"):
        raise Conflict(f"a {report.status} report cannot be edited", code="bad_transition")
    if not is_in_squad(author, report.squad_id):
        raise Forbidden("Only members of the squad edit its reports")
    if title is not None:
        report.title = title
    if sections is not None:
        report.sections = sections
    db.session.flush()
    return report


def is_reviewer(member) -> bool:
    """Tenant admins, and members of the archive working group (tenant setting)."""
    if allowed(member, "teams.review_all"):
        return True
    if member.unit_id is None:
        return False
    return get_unit(member.unit_id).name == settings().get("archive_group", "档案组")


def transition(report: Report, action: str, actor, *, comment: str = "") -> Report:
    """Apply one action from :data:`TRANSITIONS` (conditional on the state seen) and keep it."""
    if action not in TRANSITIONS:
        raise NotFound("no such action")
    sources, target = TRANSITIONS[action]
    if report.status not in sources:
        raise Conflict(f"cannot {action} a {report.status} report", code="bad_transition")
    if action in REVIEW_ACTIONS and not is_reviewer(actor):
        raise Forbidden("Only reviewers of the archive group accept or return reports")
    if action not in REVIEW_ACTIONS and not is_in_squad(actor, report.squad_id):
        raise Forbidden("Only members of the squad submit its reports")
    if action == "return" and not (comment or "").strip():
        raise Invalid("Say what to change when returning a report", fields={"comment": ["required"]})
    before = report.status
    stamps = {"submitted_at": utcnow()} if target in ("submitted", "resubmitted") else \
        {"accepted_at": utcnow()} if target == "accepted" else {}
    if not change_if(report, status=before, values={"status": target, **stamps}):
        raise Conflict(f"the report was {report.status} meanwhile", code="bad_transition")
    db.session.add(ReportReview(report_id=report.id, actor_id=actor.id, action=action, comment=comment or ""))
    db.session.flush()
    audit(f"teams.report.{action}", "report", report.id, before={"status": before}, after={"status": target},
          reason=comment or None)
    if action in REVIEW_ACTIONS:
        _tell_the_squad(report, action, comment)
    return report


#: what the author and the squad leader are told when a reviewer acts (message ids)
VERDICTS = {
    "return": ("Report returned", "%(report)s was returned for changes: %(comment)s"),
    "accept": ("Report accepted", "%(report)s was accepted into the archive."),
}


def _tell_the_squad(report: Report, action: str, comment: str) -> None:
    """The report's author and its squad's leader hear of a return (with the comment) or an
    acceptance in their inbox, with a link to the report."""
    from ..squads.services import get_squad
    title, body = VERDICTS[action]
    link = url_for("teams_pages.report_page", report_id=report.id) if has_request_context() else None
    for member_id in dict.fromkeys(m for m in (report.author_id, get_squad(report.squad_id).leader_id) if m):
        notify(member_id, f"teams_report_{action}", link=link, title=title, body=body,
               report=report.title, comment=comment or "")


def waiting() -> list[Report]:
    """The reviewers' queue, oldest submission first."""
    return list(db.session.scalars(select(Report).where(Report.status.in_(WAITING))
                                   .order_by(Report.submitted_at, Report.id)))


def history(report: Report) -> list[ReportReview]:
    return list(db.session.scalars(select(ReportReview).where(ReportReview.report_id == report.id)
                                   .order_by(ReportReview.at, ReportReview.id)))
