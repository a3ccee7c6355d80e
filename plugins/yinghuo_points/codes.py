"""The eight-digit codes people read out and type in (pickup codes, merchant codes)."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from yinghuo.api import db


def new_code(model) -> str:
    """Eight digits, never starting with 0, not yet used by a row of ``model`` (its ``code``)."""
    while True:
        code = f"{secrets.randbelow(9 * 10 ** 7) + 10 ** 7}"
        if db.session.scalar(select(model.id).where(model.code == code)) is None:
            return code
