"""Quarterly evaluation (criteria and weights from the tenant's settings, scores from the
squad leader and the group heads) and the annual excellent-volunteer selection from those
scores plus approved service hours, with a certificate of honour anyone can verify."""
from __future__ import annotations

import re
from datetime import date

from flask import render_template
from sqlalchemy import select
from yinghuo.api import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Verification,
    allowed,
    approved_minutes,
    audit,
    current_tenant,
    db,
    enqueue,
    get_member,
    html_to_pdf,
    local_today,
    mask_name,
    member_names,
    new_verification_code,
    qr_data_uri,
    utcnow,
)

from ..downloads import Download
from ..settings import settings
from ..squads.models import Squad, SquadMember
from .models import Evaluation, Honour

QUARTER = re.compile(r"^((?:19|20|21)\d\d)-Q([1-4])$")  # years 1900-2199


def check_quarter(quarter: str) -> int:
    match = QUARTER.match(quarter or "")
    if not match:
        raise Invalid("A quarter is written like 2026-Q4", fields={"quarter": ["like 2026-Q4"]})
    return int(match.group(1))


def current_quarter(today: date | None = None) -> str:
    today = today or local_today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def criteria() -> list[dict]:
    return settings()["evaluation_criteria"]


def scorer_role(scorer, member_id: int) -> str:
    """leader if the scorer leads the volunteer's squad; head for group heads and admins."""
    if scorer.id == member_id:
        raise Forbidden("Nobody scores themselves")
    squad_id = db.session.scalar(select(SquadMember.squad_id).where(SquadMember.member_id == member_id))
    if squad_id is not None and db.session.scalar(select(Squad.leader_id).where(Squad.id == squad_id)) == scorer.id:
        return "leader"
    if allowed(scorer, "teams.admin"):
        return "head"
    raise Forbidden("Only the volunteer's squad leader and the group heads score them")


def scorable(scorer) -> list[int]:
    """Whom ``scorer`` may score (the rule of :func:`scorer_role`): a group head every squad
    member, a squad leader the members of their squads; never themselves."""
    stmt = select(SquadMember.member_id)
    if not allowed(scorer, "teams.admin"):
        stmt = stmt.join(Squad, Squad.id == SquadMember.squad_id).where(Squad.leader_id == scorer.id)
    return [i for i in db.session.scalars(stmt) if i != scorer.id]


def scores_by(scorer, quarter: str) -> dict[int, Evaluation]:
    """The scorer's own evaluations of the quarter, by volunteer."""
    return {e.member_id: e for e in db.session.scalars(select(Evaluation).where(
        Evaluation.quarter == quarter, Evaluation.scorer_id == scorer.id))}


def weighted(scores: dict) -> float:
    return round(sum(scores[c["name"]] * c["weight"] for c in criteria()) / 100, 2)


def score(member_id: int, quarter: str, scorer, scores: dict, comment: str = "") -> Evaluation:
    """Record (or replace) one scorer's scores of one volunteer for a quarter."""
    check_quarter(quarter)
    get_member(member_id)
    names = [c["name"] for c in criteria()]
    errors = {}
    for name in names:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors[name] = ["a whole number 0-100"]
    for extra in set(scores) - set(names):
        errors[extra] = ["not a criterion of this tenant"]
    if errors:
        raise Invalid("The scores are incomplete", fields={"scores": errors})
    role = scorer_role(scorer, member_id)
    clean = {n: scores[n] for n in names}
    row = db.session.scalar(select(Evaluation).where(Evaluation.member_id == member_id, Evaluation.quarter == quarter,
                                                     Evaluation.scorer_id == scorer.id))
    before = {"scores": row.scores, "total": row.total} if row else None
    if row is None:
        row = Evaluation(member_id=member_id, quarter=quarter, scorer_id=scorer.id, scorer_role=role,
                         scores=clean, total=weighted(clean), comment=comment.strip())
        db.session.add(row)
    else:
        row.scores, row.total, row.comment, row.updated_at = clean, weighted(clean), comment.strip(), utcnow()
    db.session.flush()
    audit("teams.evaluation", "member", member_id, before=before,
          after={"quarter": quarter, "role": role, "scores": clean, "total": row.total})
    return row


def quarter_results(quarter: str) -> list[dict]:
    """Per volunteer: the leader's and the heads' averages and the combined score."""
    check_quarter(quarter)
    weights = settings()["scorer_weights"]
    rows: dict[int, dict[str, list[float]]] = {}
    for e in db.session.scalars(select(Evaluation).where(Evaluation.quarter == quarter)):
        rows.setdefault(e.member_id, {}).setdefault(e.scorer_role, []).append(e.total)
    names = member_names(rows)
    result = []
    for member_id, by_role in rows.items():
        means = {role: sum(v) / len(v) for role, v in by_role.items()}
        weight = sum(weights.get(role, 0) for role in means) or len(means)
        combined = sum(means[r] * (weights.get(r, 0) or 1) for r in means) / weight
        result.append({"member_id": member_id, "name": names.get(member_id, ""),
                       "leader": round(means["leader"], 2) if "leader" in means else None,
                       "head": round(means["head"], 2) if "head" in means else None,
                       "score": round(combined, 2)})
    return sorted(result, key=lambda r: (-r["score"], r["member_id"]))


def annual_ranking(year: int) -> list[dict]:
    """Everyone evaluated in ``year``: mean quarterly score and the year's approved hours,
    combined by the tenant's weights; the first ``excellent_count`` are proposed."""
    conf = settings()
    quarterly: dict[int, list[float]] = {}
    for q in range(1, 5):
        for row in quarter_results(f"{year}-Q{q}"):
            quarterly.setdefault(row["member_id"], []).append(row["score"])
    minutes = approved_minutes(quarterly, date(year, 1, 1), date(year, 12, 31))
    names = member_names(quarterly)
    w = conf["excellent_hours_weight"] / 100
    ranking = []
    for member_id, scores in quarterly.items():
        evaluation = sum(scores) / len(scores)
        hours = minutes.get(member_id, 0) / 60
        hours_score = min(100.0, hours / conf["excellent_full_hours"] * 100)
        ranking.append({"member_id": member_id, "name": names.get(member_id, ""), "quarters": len(scores),
                        "evaluation": round(evaluation, 2), "hours": round(hours, 1),
                        "score": round(evaluation * (1 - w) + hours_score * w, 2)})
    ranking.sort(key=lambda r: (-r["score"], -r["hours"], r["member_id"]))
    for i, row in enumerate(ranking, start=1):
        row["rank"], row["proposed"] = i, i <= conf["excellent_count"]
    return ranking


def select_excellent(year: int, member_ids: list[int] | None, *, by, base_url: str) -> list[Honour]:
    """Confirm the year's excellent volunteers (the proposal, or the admins' own choice among
    those ranked) and queue their certificates of honour. Running it again adds nobody twice."""
    if not allowed(by, "teams.honours"):
        raise Forbidden("Only a tenant admin confirms the annual selection")
    ranking = {r["member_id"]: r for r in annual_ranking(year)}
    chosen = member_ids if member_ids is not None else [m for m, r in ranking.items() if r["proposed"]]
    unknown = [m for m in chosen if m not in ranking]
    if unknown:
        raise Invalid("Only volunteers evaluated this year can be chosen",
                      fields={"member_ids": [f"not evaluated in {year}: {', '.join(map(str, unknown))}"]})
    if not chosen:
        raise Conflict(f"Nobody was evaluated in {year}", code="nobody")
    existing = set(db.session.scalars(select(Honour.member_id).where(Honour.year == year)))
    tenant = current_tenant()
    honours = []
    for member_id in chosen:
        if member_id in existing:
            continue
        r = ranking[member_id]
        honour = Honour(year=year, member_id=member_id, rank=r["rank"], score=r["score"],
                        evaluation_score=r["evaluation"], hours=r["hours"], serial="pending",
                        code=new_verification_code("honour"))
        db.session.add(honour)
        db.session.flush()
        honour.serial = f"{tenant.slug.upper()}-YX{year}-{honour.id:05d}"
        honours.append(honour)
        audit("teams.honour", "member", member_id, after={"year": year, "rank": r["rank"], "score": r["score"]})
        enqueue("yinghuo_teams.evaluation.services.render_job", tenant_id=tenant.id, job_id=f"teams-honour-{honour.id}",
                honour_id=honour.id, base_url=base_url)
    return honours


def honours(year: int | None = None) -> list[Honour]:
    stmt = select(Honour).order_by(Honour.year.desc(), Honour.rank)
    if year:
        stmt = stmt.where(Honour.year == year)
    return list(db.session.scalars(stmt))


def get_honour(honour_id: int) -> Honour:
    row = db.session.scalar(select(Honour).where(Honour.id == honour_id))
    if row is None:
        raise NotFound("no such honour")
    return row


def honour_download(honour_id: int, viewer) -> Download:
    """The certificate of honour, for the person it honours or an admin, once it is made."""
    honour = get_honour(honour_id)
    if viewer.id != honour.member_id and not allowed(viewer, "teams.admin"):
        raise Forbidden("This is not your certificate")
    if honour.pdf is None:
        raise Conflict("the certificate is being made; try again shortly", code="not_ready")
    return Download(honour.pdf, "application/pdf", f"{honour.serial}.pdf")


def render_job(tenant_id: int, honour_id: int, base_url: str) -> str:
    """Job: the certificate of honour PDF (a made one is left as it is)."""
    honour = db.session.get(Honour, (tenant_id, honour_id))
    if honour is None or honour.pdf is not None:
        return "skipped"
    honour.pdf = render_pdf(honour, base_url)
    return "done"


def render_pdf(honour: Honour, base_url: str) -> bytes:
    tenant = current_tenant()
    member = get_member(honour.member_id)
    url = f"{base_url.rstrip('/')}/verify/{honour.code}"
    issuer = {"organisation": tenant.name, **(tenant.setting("certificate_issuer") or {})}
    html = render_template("teams/honour_pdf.html", honour=honour, member=member, tenant=tenant, issuer=issuer,
                           verify_url=url, qr=qr_data_uri(url), today=local_today())
    return html_to_pdf(html)


def revoke(honour: Honour, reason: str) -> Honour:
    if not reason.strip():
        raise Invalid("Give the reason for revoking", fields={"reason": ["required"]})
    if honour.revoked_at is not None:
        raise Conflict("already revoked", code="revoked")
    honour.revoked_at = utcnow()
    audit("teams.honour.revoke", "member", honour.member_id, after={"year": honour.year}, reason=reason)
    return honour


def verify(code: str) -> Verification | None:
    honour = db.session.scalar(select(Honour).where(Honour.code == code))
    if honour is None:
        return None
    member = get_member(honour.member_id)
    return Verification(kind="honour", genuine=honour.revoked_at is None, details={
        "name": mask_name(member.name), "tenant": current_tenant().display_name, "serial": honour.serial,
        "title": f"{honour.year} 年度优秀志愿者", "issued_on": honour.created_at.date().isoformat(),
        "status": "revoked" if honour.revoked_at else "valid"})
