"""The PostgreSQL driver connection: psycopg's, except that rolling back a clean
transaction keeps the connection's prepared statements.

psycopg prepares a statement on the server once the connection has run it a few times,
so PostgreSQL parses and plans it once instead of on every request. But psycopg forgets
(and later deallocates) them all on every ROLLBACK - in case the rolled-back transaction
created an object a prepared statement refers to. Yinghuo's requests never create or
drop objects (migrations run on their own connections), and every read-only request ends
in a rollback: with psycopg's rule nothing would ever stay prepared, and PostgreSQL would
plan the identity and list queries afresh on every request.
"""
from __future__ import annotations

import psycopg
from psycopg import pq

_INTRANS, _COMMAND_OK = pq.TransactionStatus.INTRANS, pq.ExecStatus.COMMAND_OK


class Connection(psycopg.Connection):
    def rollback(self) -> None:
        if self.pgconn.transaction_status != _INTRANS:
            return super().rollback()  # idle, failed or busy: psycopg's own way
        with self.lock:
            result = self.pgconn.exec_(b"ROLLBACK")
        if result.status != _COMMAND_OK:
            raise psycopg.OperationalError(result.error_message.decode(errors="replace"))


def install(engine) -> None:
    """Open the engine's PostgreSQL connections with :class:`Connection`."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, conn_rec, cargs, cparams):
        return Connection.connect(*cargs, **cparams)
