"""Moving personal fields to the current data key (``yinghuo keys rekey``): ID numbers
(people) and pending imports (sheets), tenant by tenant - above the rooms it touches.

``YINGHUO_DATA_KEY`` lists keys, the current one first. A new key encrypts what is written
from then on; what was written before stays readable as long as its key is listed. Rekeying
re-encrypts every ID number and every pending import with the current key, so the old keys
protect nothing any more. Retiring keys goes one step further: the ID-number hashes (made
with the last-listed key) are recomputed with the key that will be last once the retired
ones are gone - so the app must be stopped until ``YINGHUO_DATA_KEY`` no longer lists them.
"""
from __future__ import annotations

from sqlalchemy import select

from . import audit
from .db.context import tenant_scope
from .errors import Invalid
from .extensions import db
from .people import crypto
from .people.models import Member
from .sheets.models import ImportBatch
from .tenancy.models import Tenant

BATCH = 500


def rekey(retire: list[str] | tuple[str, ...] = (), progress=lambda tenant, done: None) -> dict:
    """Re-encrypt every tenant's ID numbers and pending imports with the current key; with
    ``retire``, also recompute the ID-number hashes for the keys that remain. Commits per
    batch: run again after an interruption and it carries on (rows already on the current
    key are only re-hashed). Returns the counts, the current key and the keys to keep."""
    keys, current = crypto._keys()
    unknown = [k for k in retire if k not in keys]
    if unknown or current in retire:
        raise Invalid("Only keys listed after the current one can be retired",
                      fields={"retire": [f"unknown key {k}" for k in unknown] or [f"{current} is the current key"]})
    keep = [k for k in keys if k not in retire]
    hash_key = keep[-1] if retire else None
    counts = {"id_numbers": 0, "imports": 0, "tenants": 0}
    for tenant_id in db.session.scalars(select(Tenant.id).order_by(Tenant.id)).all():
        with tenant_scope(tenant_id):
            counts["id_numbers"] += _members(tenant_id, hash_key, progress)
            for batch in db.session.scalars(select(ImportBatch).where(ImportBatch.status == "validated",
                                                                      ImportBatch.payload_enc != "")):
                if crypto.needs_rotation(batch.payload_enc):
                    context = f"import:{tenant_id}"
                    batch.payload_enc = crypto.encrypt(crypto.decrypt(batch.payload_enc, context=context),
                                                       context=context)
                    counts["imports"] += 1
            db.session.commit()
        counts["tenants"] += 1
    with tenant_scope(None, operator=True):
        audit.record("keys.rekey", "platform", None, after={**counts, "key": current, "retired": list(retire)})
        db.session.commit()
    return {**counts, "key": current, "keep": keep}


def _members(tenant_id: int, hash_key: str | None, progress) -> int:
    """This tenant's members with an ID number, batch by batch (ordered by id, resumable)."""
    changed, after = 0, 0
    while True:
        rows = db.session.scalars(select(Member).where(Member.id_number_enc.is_not(None), Member.id > after)
                                  .order_by(Member.id).limit(BATCH)).all()
        if not rows:
            return changed
        for member in rows:
            context = str(tenant_id)
            number = crypto.decrypt(member.id_number_enc, context=context)
            if crypto.needs_rotation(member.id_number_enc):
                member.id_number_enc = crypto.encrypt(number, context=context)
                changed += 1
            if hash_key is not None:
                member.id_number_hash = crypto.keyed_hash(number, tenant_id=tenant_id, key_id=hash_key)
        after = rows[-1].id
        db.session.commit()
        progress(tenant_id, changed)
