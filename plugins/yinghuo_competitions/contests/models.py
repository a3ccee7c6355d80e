"""A competition: its categories, stages with dates, the criteria judges score and their weights."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: the ten categories of a provincial volunteer-project competition (msgids ``category:<key>``)
CATEGORIES = ("theory", "culture", "education", "health", "science", "legal", "environment", "poverty",
              "emergency", "other")
#: what judges score, each out of ``max``, weighed by ``weight`` (percent; msgids ``criterion:<key>``)
CRITERIA = ({"key": "need", "max": 20, "weight": 20}, {"key": "goals", "max": 20, "weight": 20},
            {"key": "implementation", "max": 20, "weight": 20}, {"key": "results", "max": 20, "weight": 20},
            {"key": "distinctiveness", "max": 20, "weight": 20})
#: the stages in order (msgids ``stage:<key>``); each has a start date, the next one ends it
STAGES = ("submission", "review", "voting", "judging", "roadshow", "results")
#: awards in order (msgids ``award:<key>``): how many of each per category by default; the
#: other finalists are awarded "excellence"
AWARDS = {"first": 1, "second": 2, "third": 3}


class Competition(TenantModel, Base):
    __tablename__ = "competitions_competitions"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    #: {stage: ISO start}; a stage runs until the next one starts
    stages: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the share of public votes in the result, percent (judges' scores: the rest)
    vote_weight: Mapped[int] = mapped_column(default=30)
    #: who may enter: "members" of this tenant, or "children" too (a hub's child tenants)
    eligibility: Mapped[str] = mapped_column(String(20), default="members")
    published: Mapped[bool] = mapped_column(default=False)
    #: "contest" (projects judged and voted on) or "honour" (a selection: nominations, an
    #: optional vote, the organisers' decision)
    kind: Mapped[str] = mapped_column(String(10), default="contest")
    #: judging rules: drop each entry's highest and lowest total (3 or more sheets), and
    #: turn each judge's totals into z-scores before averaging (harsh and kind judges)
    trim: Mapped[bool] = mapped_column(default=False)
    normalise: Mapped[bool] = mapped_column(default=False)
    #: finalists per category (to the roadshow); the awards within them, first to third
    finalists_per_category: Mapped[int] = mapped_column(default=10)
    awards: Mapped[dict] = mapped_column(JSON, default=dict)
    results_published_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
