"""State changes that hold under concurrency: one conditional UPDATE on the row.

``change_if(report, status="submitted", values={"status": "accepted"})`` writes only if
the row is still as the caller saw it; of two requests racing, exactly one wins. The
object is refreshed either way, so the caller can say what the row became."""
from __future__ import annotations

from sqlalchemy import inspect, update

from ..extensions import db


def change_if(obj, *, values: dict, **expected) -> bool:
    """Set ``values`` on ``obj``'s row if its columns still equal ``expected``. True if it did."""
    model = type(obj)
    keys = inspect(model).primary_key
    where = [column == getattr(obj, column.key) for column in keys]
    where += [getattr(model, name) == value for name, value in expected.items()]
    changed = db.session.execute(update(model).where(*where).values(**values)
                                 .execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(obj)
    return changed
