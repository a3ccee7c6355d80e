"""The PostgreSQL driver connection: psycopg's, except that rolling back a clean
transaction keeps the connection's prepared statements; and the statements Yinghuo sends
straight to libpq (a transaction's BEGIN with its row-level security settings, ROLLBACK).

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

_IDLE, _INTRANS = pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS


class Connection(psycopg.Connection):
    def rollback(self) -> None:
        if self.broken or self.closed:
            return  # the server dropped the transaction with the connection: nothing to undo
        if self.pgconn.transaction_status != _INTRANS:
            return super().rollback()  # idle, failed or busy: psycopg's own way
        with self.lock:
            run_simple(self, "ROLLBACK")


def run_simple(dbapi, sql: str) -> None:
    """Send ``sql`` (one or more statements, no parameters) in one round trip, straight to
    libpq: psycopg's statement bookkeeping never sees it."""
    result = dbapi.pgconn.exec_(sql.encode())
    if result.status != pq.ExecStatus.COMMAND_OK:
        raise psycopg.OperationalError(result.error_message.decode(errors="replace"))


def can_open_transaction(dbapi) -> bool:
    """A psycopg connection with no transaction open and none of the options that would
    make psycopg's own BEGIN say more than BEGIN: a BEGIN sent by :func:`run_simple` does
    what psycopg's would (psycopg then sees the open transaction and sends none)."""
    pgconn = getattr(dbapi, "pgconn", None)
    return (pgconn is not None and pgconn.transaction_status == _IDLE and not dbapi.autocommit
            and dbapi.isolation_level is None and dbapi.read_only is None and dbapi.deferrable is None)


def install(engine) -> None:
    """Open the engine's PostgreSQL connections with :class:`Connection`."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, conn_rec, cargs, cparams):
        return Connection.connect(*cargs, **cparams)
