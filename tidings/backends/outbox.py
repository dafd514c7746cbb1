"""The durable outbox: wire messages the broker could not take.

A table in any SQLAlchemy database (a SQLite file by default) holding, in
order, the messages waiting to be replayed.  Rows are ordered by ``seq``
(the order in which the callers emitted them, continued across restarts
from the largest ``seq`` found) and then by ``id``.  A row is deleted only
after the broker confirmed it, so a process killed at any point loses
nothing that reached the outbox; a replay may publish a message twice
(at-least-once, same message_id).

All methods are called from worker threads (or at startup); every one
holds the outbox lock, so the in-memory row count stays exact.
"""

import json
import os
import threading

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tidings.objects import errors


class Row:
    """One outbox message: where it goes and what it is."""

    __slots__ = ('id', 'seq', 'message_id', 'routing_key', 'version',
                 'ctxt', 'message')

    def __init__(self, seq, message_id, routing_key, version, ctxt,
                 message, id=None):
        self.id = id
        self.seq = seq
        self.message_id = message_id
        self.routing_key = routing_key
        self.version = version
        self.ctxt = ctxt
        self.message = message


def _to_json(value):
    return json.dumps(value, separators=(',', ':'), default=str)


def mask_url(url):
    """The URL with its password replaced by ``***`` (for messages)."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return '<unparsable URL>'


class Outbox:
    """A bounded, ordered, durable list of messages to replay."""

    def __init__(self, url, table='tidings_outbox', max_rows=1000000,
                 group='backend_messaging', option='outbox_url'):
        self.url = url
        self.max_rows = max_rows
        self.lock = threading.RLock()
        try:
            parsed = sa.engine.make_url(url)
            parsed.get_dialect()
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError,
                ValueError) as exc:
            raise errors.ConfigError(
                group, option, mask_url(url),
                'not a usable SQLAlchemy URL (%s); e.g. '
                'sqlite:////var/lib/svc/outbox.sqlite or '
                'postgresql+psycopg2://user@host/db' % exc) from None
        kwargs = {}
        if parsed.get_backend_name() == 'sqlite':
            database = parsed.database
            if database and database != ':memory:':
                directory = os.path.dirname(os.path.abspath(database))
                os.makedirs(directory, exist_ok=True)
            kwargs['connect_args'] = {'check_same_thread': False,
                                      'timeout': 30}
        else:
            kwargs['pool_pre_ping'] = True
        self.engine = sa.create_engine(parsed, **kwargs)
        if parsed.get_backend_name() == 'sqlite':
            sa.event.listen(self.engine, 'connect', _sqlite_pragmas)
        meta = sa.MetaData()
        self.table = sa.Table(
            table, meta,
            sa.Column('id', sa.Integer, primary_key=True,
                      autoincrement=True),
            sa.Column('seq', sa.BigInteger, nullable=False),
            sa.Column('message_id', sa.String(64), nullable=False),
            sa.Column('routing_key', sa.String(255), nullable=False),
            sa.Column('version', sa.Float, nullable=False),
            sa.Column('body', sa.Text, nullable=False),
            sa.Index('ix_%s_seq' % table, 'seq', 'id'),
        )
        try:
            meta.create_all(self.engine)
            with self.engine.connect() as conn:
                self.count = conn.execute(
                    sa.select(sa.func.count()).select_from(
                        self.table)).scalar_one()
                self.last_seq = conn.execute(
                    sa.select(sa.func.max(self.table.c.seq))).scalar() or 0
            self._warm_up()
        except sa_exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise errors.ConfigError(
                group, option, mask_url(url),
                'cannot open the outbox: %s' % (exc.orig or exc)) from None

    def _warm_up(self):
        # Compile the statements now, not in the middle of an outage
        # (SQLAlchemy's first compile holds the GIL for milliseconds).
        with self.engine.connect() as conn:
            trans = conn.begin()
            conn.execute(self.table.insert(), [self._values(
                Row(0, '', '', 2.0, {}, {}))] * 2)
            conn.execute(self._select(1))
            conn.execute(self.table.delete().where(
                self.table.c.id.in_([0, 1])))
            trans.rollback()

    @staticmethod
    def _values(row):
        return {'seq': row.seq, 'message_id': row.message_id,
                'routing_key': row.routing_key, 'version': row.version,
                'body': _to_json({'ctxt': row.ctxt,
                                  'message': row.message})}

    def _select(self, limit):
        t = self.table
        return (sa.select(t.c.id, t.c.seq, t.c.message_id, t.c.routing_key,
                          t.c.version, t.c.body)
                .order_by(t.c.seq, t.c.id).limit(limit))

    def free(self):
        return self.max_rows - self.count

    def put(self, rows):
        """Append ``rows``; return how many fit (the rest are not kept)."""
        with self.lock:
            room = max(0, self.max_rows - self.count)
            rows = rows[:room]
            if not rows:
                return 0
            values = [self._values(r) for r in rows]
            with self.engine.begin() as conn:
                conn.execute(self.table.insert(), values)
            self.count += len(rows)
            return len(rows)

    def head(self, limit):
        """The oldest ``limit`` rows, in replay order."""
        with self.lock:
            with self.engine.connect() as conn:
                result = conn.execute(self._select(limit)).all()
        rows = []
        for id_, seq, message_id, routing_key, version, body in result:
            doc = json.loads(body)
            rows.append(Row(seq, message_id, routing_key, version,
                            doc['ctxt'], doc['message'], id=id_))
        return rows

    def delete(self, rows):
        """Forget rows the broker confirmed; return the rows left."""
        with self.lock:
            if rows:
                ids = [r.id for r in rows]
                with self.engine.begin() as conn:
                    deleted = conn.execute(self.table.delete().where(
                        self.table.c.id.in_(ids))).rowcount
                self.count = max(0, self.count - deleted)
            return self.count

    def close(self):
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record):
    # WAL with synchronous=NORMAL: a commit survives the process being
    # killed (not a power loss) and costs no fsync per write.
    cur = dbapi_conn.cursor()
    cur.execute('PRAGMA journal_mode=WAL')
    cur.execute('PRAGMA synchronous=NORMAL')
    cur.close()
