"""The durable outbox: wire messages the broker could not take.

A table in any SQLAlchemy database (a SQLite file by default) holding, in
order, the messages waiting to be replayed.  Rows are ordered by ``seq``
(the order in which the callers emitted them, continued across restarts
from the largest ``seq`` found) and then by ``id``.  A row is deleted only
after the broker confirmed it, so a process killed at any point loses
nothing that reached the outbox; a replay may publish a message twice
(at-least-once, same message_id).

Several processes may share one outbox (the forked workers of a WSGI
server, two services with the same ``state_path``, or many hosts on one
database): each row carries its **owner**, the slot a process holds for
as long as it runs (``slot-0``, ``slot-1``...; a lock file beside a SQLite
outbox, an advisory lock on PostgreSQL, ``GET_LOCK`` on MariaDB and
MySQL).  A process counts, replays and deletes only its own rows, so one
process's replay never reorders another's, and its counts stay exact.
Rows whose owner is gone -- no process holds that slot's lock any more --
are adopted: :meth:`Outbox.adopt` takes them over, ahead of the
process's own rows, keeping their order (the messaging backend calls it at
startup and then every ``[backend_messaging] adopt_interval`` seconds).

Beside the rows, a **ledger** (the table ``<table>_ledger``, one row per
slot held) records how many notifications the holder of the slot had in
memory -- accepted by ``notify()``, neither confirmed by the broker nor
written to the outbox -- at its last record (see :meth:`Outbox.record`).
A process that ends cleanly removes its row (:meth:`Outbox.settled`); one
killed with ``kill -9`` leaves it, with what it held, and the next holder
of the slot (or the process adopting its rows) reads it, reports it
(:meth:`Outbox.take_losses`) and removes it.  Beside a SQLite outbox each
slot also has a **tally** (:mod:`tidings.backends.messaging.tally`,
``<outbox file>.<owner>.tally``), the same figure kept exact on every
call in a file mapping; when the tally of the gone process is there, its
figure is the one reported (``Loss.exact``).

Each row also counts its failed publishes (``tries``), so that a message
counts once in the messaging backend's ``failed`` however many attempts
it takes.

All methods are called from worker threads (or at startup); every one
holds the outbox lock, so the in-memory row count stays exact.
"""

import collections
import fcntl
import json
import logging
import os
import socket
import threading
import time
import zlib

import orjson
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tidings import conf as tidings_conf
from tidings.backends import dbschema
from tidings.backends.messaging import tally as tally_mod
from tidings.objects import errors
from tidings.objects import urls

LOG = logging.getLogger(__name__)


#: The columns an INSERT fills, in the order of Outbox._params.
_COLUMNS = ('seq', 'message_id', 'routing_key', 'version', 'body', 'owner',
            'tries')


#: What the ledger of a slot whose process is gone said: that process
#: (``pid`` on ``host``) had ``count`` notifications in memory, neither
#: confirmed nor in the outbox, at its last record (``written_at``, a
#: UNIX time); ``exact``: the count is its tally's, kept on every call
#: up to the end (else the ledger's last record).
Loss = collections.namedtuple('Loss',
                              'owner pid host count written_at exact')


class Row:
    """One outbox message: where it goes and what it is.

    A row read back from the outbox keeps its stored JSON text (``body``)
    and parses it only when ``ctxt`` or ``message`` is asked for: the
    replay path splices the text into the AMQP body instead (see
    :func:`split_body`), so a replayed message makes no dicts for the
    garbage collector to track.
    """

    __slots__ = ('id', 'seq', 'message_id', 'routing_key', 'version',
                 '_ctxt', '_message', 'body', 'tries')

    def __init__(self, seq, message_id, routing_key, version, ctxt,
                 message, id=None, body=None, tries=0):
        self.id = id
        #: publishes of this message that got no confirm so far
        self.tries = tries
        self.seq = seq
        self.message_id = message_id
        self.routing_key = routing_key
        self.version = version
        self._ctxt = ctxt
        self._message = message
        self.body = body

    def _load(self):
        doc = json.loads(self.body)
        self._ctxt, self._message = doc['ctxt'], doc['message']

    @property
    def ctxt(self):
        if self._ctxt is None and self.body is not None:
            self._load()
        return self._ctxt

    @property
    def message(self):
        if self._message is None and self.body is not None:
            self._load()
        return self._message


#: How _to_json writes a row's body: ``{"ctxt":{...},"message":{...}}``.
_BODY_HEAD = '{"ctxt":'
_BODY_MESSAGE = ',"message":'
_DECODER = json.JSONDecoder()


def split_body(body):
    """(ctxt, message JSON text) of a stored body, parsing only the
    context; None when the text is not in the form this version writes
    (then the caller parses it whole)."""
    if not body.startswith(_BODY_HEAD) or not body.endswith('}}'):
        return None
    try:
        ctxt, end = _DECODER.raw_decode(body, len(_BODY_HEAD))
    except ValueError:
        return None
    if not isinstance(ctxt, dict) or not body.startswith(_BODY_MESSAGE,
                                                         end):
        return None
    text = body[end + len(_BODY_MESSAGE):-1]
    if not text.startswith('{'):
        return None
    return ctxt, text


def _parse(body):
    """A stored body parsed: orjson, and the standard library for what
    orjson refuses but the writer may have written (NaN, Infinity)."""
    try:
        return orjson.loads(body)
    except ValueError:
        return json.loads(body)


def _to_json(value):
    """Compact JSON text; orjson (little Python time on the writing
    thread, which shares the interpreter with the callers; figures in
    ``benchmarks/README.rst``), the stdlib for what orjson refuses."""
    try:
        return orjson.dumps(value, default=str,
                            option=orjson.OPT_NON_STR_KEYS).decode('utf-8')
    except TypeError:
        return json.dumps(value, separators=(',', ':'), default=str)


class Outbox:
    """A bounded, ordered, durable list of messages to replay."""

    def __init__(self, url, table='tidings_outbox', max_rows=1000000,
                 group='backend_messaging', option='outbox_url',
                 tally_dir=None):
        self.url = url
        self.max_rows = max_rows
        self.lock = threading.RLock()
        try:
            parsed = sa.engine.make_url(url)
            parsed.get_dialect()
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError,
                ValueError) as exc:
            raise errors.ConfigError(
                group, option, urls.mask_url(url),
                'not a usable SQLAlchemy URL (%s); e.g. '
                'sqlite:////var/lib/svc/outbox.sqlite or '
                'postgresql+psycopg2://user@host/db' % exc) from None
        kwargs = {}
        if parsed.get_backend_name() == 'sqlite':
            database = parsed.database
            # The check of tidings config validate, before creating the
            # directory.
            problems = tidings_conf.sqlite_path_errors(group, option, url)
            if problems:
                raise errors.ConfigErrors(problems)
            if database and database != ':memory:':
                directory = os.path.dirname(os.path.abspath(database))
                os.makedirs(directory, exist_ok=True)
            kwargs['connect_args'] = {'check_same_thread': False,
                                      'timeout': 30}
        else:
            kwargs['pool_pre_ping'] = True
        self.engine = sa.create_engine(parsed, **kwargs)
        if parsed.get_backend_name() == 'sqlite':
            sa.event.listen(self.engine, 'connect',
                            dbschema.sqlite_pragmas)
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
            sa.Column('owner', sa.String(64), nullable=False,
                      server_default=''),
            sa.Column('tries', sa.Integer, nullable=False,
                      server_default='0'),
            sa.Index('ix_%s_seq' % table, 'seq', 'id'),
            sa.Index('ix_%s_owner' % table, 'owner', 'seq', 'id'),
        )
        self._delete_span = self._span(self.table)
        self.ledger = sa.Table(
            '%s_ledger' % table, meta,
            sa.Column('owner', sa.String(64), primary_key=True),
            sa.Column('pid', sa.Integer, nullable=False),
            sa.Column('host', sa.String(255), nullable=False),
            sa.Column('in_memory', sa.BigInteger, nullable=False),
            sa.Column('written_at', sa.Double, nullable=False),
            # the tally's STORED after the write that recorded it
            sa.Column('stored', sa.BigInteger, nullable=False,
                      server_default='0'),
        )
        self._record_sql = self.ledger.update().where(
            self.ledger.c.owner == sa.bindparam('owner_')).values(
                in_memory=sa.bindparam('in_memory'),
                written_at=sa.bindparam('written_at'),
                stored=sa.bindparam('stored'))
        self.locks = _slot_locks(self.engine, parsed, table, tally_dir)
        self.owner = None
        #: the slot's tally (see tally), the process's own from _claim
        self.tally = tally_mod.Tally()
        #: the process holding the slot (a forked child holds none until
        #: after_fork)
        self.pid = None
        self.count = 0
        self.last_seq = 0
        #: Rows removed because they could not be read back.
        self.discarded = 0
        #: Losses read from the ledger of slots whose process is gone,
        #: not yet taken (see take_losses).
        self._losses = []
        try:
            _create_schema(self.engine, meta, self.table, self.ledger)
            self._claim()
            self._warm_up()
        except sa_exc.SQLAlchemyError as exc:
            self.locks.release_all()
            self.engine.dispose()
            raise errors.ConfigError(
                group, option, urls.mask_url(url),
                'cannot open the outbox: %s' % (exc.orig or exc)) from None

    # owners

    def _claim(self):
        """Take the first free slot; count its rows (an earlier process's
        that held it are ours now)."""
        self.owner = self.locks.claim()
        self.pid = os.getpid()
        mine = self.table.c.owner == self.owner
        with self.engine.begin() as conn:
            self.count = conn.execute(
                sa.select(sa.func.count()).select_from(self.table)
                .where(mine)).scalar_one()
            self.last_seq = conn.execute(
                sa.select(sa.func.max(self.table.c.seq)).where(
                    mine)).scalar() or 0
            # what the slot's earlier holder left in its ledger; ours now
            self._read_ledger(conn, self.owner)
            self.tally = self._tally(self.owner)
            conn.execute(self.ledger.insert().values(
                owner=self.owner, pid=os.getpid(),
                host=socket.gethostname()[:255], in_memory=0,
                written_at=time.time()))

    def _read_ledger(self, conn, owner):
        """Note the loss the ledger of ``owner`` (a slot we hold, whose
        earlier holder is gone) records, and remove its row."""
        ledger = self.ledger
        row = conn.execute(sa.select(
            ledger.c.pid, ledger.c.host, ledger.c.in_memory,
            ledger.c.written_at, ledger.c.stored).where(
                ledger.c.owner == owner)).first()
        if row is None:
            return
        count, exact = row.in_memory, False
        path = self.locks.tally_path(owner)
        if path is not None and row.host == socket.gethostname()[:255] \
                and os.path.exists(path):
            tally = self._tally(owner)
            held = tally.left_by(row.pid, row.stored)
            if held is not None:
                count, exact = held, True
            tally.end()
        self._losses.append(Loss(owner, row.pid, row.host, count,
                                 row.written_at, exact))
        conn.execute(ledger.delete().where(ledger.c.owner == owner))

    def _tally(self, owner):
        """The tally of ``owner``'s slot (in memory only when its file
        cannot be made: said once, the ledger's record is the figure
        then)."""
        path = self.locks.tally_path(owner)
        try:
            if path is not None:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            return tally_mod.Tally(path)
        except OSError as exc:
            LOG.warning('outbox %s: cannot keep the tally of slot %s in %s '
                        '(%s); a process killed with kill -9 is reported '
                        'from the ledger\'s last record instead',
                        urls.mask_url(self.url), owner, path, exc)
            return tally_mod.Tally()

    def take_losses(self):
        """The :class:`Loss` of each slot whose process ended without
        settling its ledger (see :meth:`settled`), read since the last
        call (at the claim of a slot, and by :meth:`adopt`)."""
        with self.lock:
            losses, self._losses = self._losses, []
        return losses

    def settled(self):
        """This process ends holding nothing in memory: its ledger row
        goes (a process that ends without this is reported by the next
        holder of its slot, even with 0 in memory at its last record)."""
        if self.pid != os.getpid():
            return      # a forked child that took no slot: the parent's
        ledger = self.ledger
        with self.lock:
            self.tally.end()
            with self.engine.begin() as conn:
                conn.execute(ledger.delete().where(
                    ledger.c.owner == self.owner))

    def record(self, in_memory, conn=None, at=None, stored=None):
        """Write in this slot's ledger that the process holds
        ``in_memory`` notifications neither confirmed nor in the outbox
        (at ``at``, a UNIX time, now by default; ``stored``: the tally's
        STORED once this transaction commits, its cell by default; one
        UPDATE, in ``conn``'s transaction when given)."""
        if self.pid != os.getpid():
            return      # a forked child that took no slot: the parent's
        with self.lock:
            params = {'in_memory': in_memory,
                      'written_at': at or time.time(),
                      'stored': self.tally.cells[tally_mod.STORED]
                      if stored is None else stored,
                      'owner_': self.owner}
            if conn is not None:
                conn.execute(self._record_sql, params)
                return
            with self.engine.begin() as conn:
                conn.execute(self._record_sql, params)

    def after_fork(self):
        """In a forked child: leave the parent its connections and slot,
        take a slot of our own."""
        with self.lock:
            self.engine.dispose(close=False)
            self.locks.forget_inherited()
            self._claim()

    def adopt(self, before_seq):
        """Take over the rows of owners that are gone, ordered before
        ``before_seq`` (ahead of this process's own rows) and among
        themselves as they were, and read their ledgers (see
        :meth:`take_losses`).  Returns how many rows were adopted."""
        t = self.table
        ledger = self.ledger
        adopted = 0
        with self.lock:
            with self.engine.connect() as conn:
                owners = {o for (o,) in conn.execute(
                    sa.select(t.c.owner).where(t.c.owner != self.owner)
                    .distinct()).all()}
                # (a process that held nothing at its last record is
                # reported by the next holder of its slot only: testing
                # every live process's slot costs a connection each on
                # PostgreSQL and MariaDB; a lock file is cheap to test,
                # and a tally may hold more than the last record)
                recorded = ledger.c.owner != self.owner
                if not self.locks.cheap:
                    recorded = sa.and_(recorded, ledger.c.in_memory > 0)
                owners.update(o for (o,) in conn.execute(
                    sa.select(ledger.c.owner).where(recorded)).all())
            for owner in sorted(owners):
                if not self.locks.try_hold(owner):
                    continue            # alive: its process replays them
                try:
                    with self.engine.begin() as conn:
                        self._read_ledger(conn, owner)
                        mine = conn.execute(sa.select(sa.func.min(
                            t.c.seq)).where(t.c.owner == self.owner)).scalar()
                        floor = before_seq if mine is None else min(
                            mine, before_seq)
                        theirs = conn.execute(sa.select(sa.func.max(
                            t.c.seq)).where(t.c.owner == owner)).scalar()
                        if theirs is None:
                            continue
                        moved = conn.execute(
                            t.update().where(t.c.owner == owner).values(
                                owner=self.owner,
                                seq=t.c.seq + (floor - 1 - theirs))).rowcount
                finally:
                    self.locks.release(owner)
                self.count += moved
                adopted += moved
        return adopted

    def _warm_up(self):
        # Compile the statements now, not in the middle of an outage
        # (SQLAlchemy's first compile holds the GIL for milliseconds).
        self._compile_insert()
        with self.engine.connect() as conn:
            trans = conn.begin()
            conn.exec_driver_sql(self._insert_sql, [self._params(
                Row(0, '', '', 2.0, {}, {}))] * 2)
            conn.execute(self._select(1))
            conn.execute(self._select(1, Row(0, '', '', 2.0, {}, {}, id=0)))
            conn.execute(self._delete([0, 1]))
            conn.execute(self._delete_span, {
                'owner': '', 'first_seq': 0, 'first_id': 0, 'last_seq': 0,
                'last_id': 0, 'newest': 0})
            self.record(0, conn)
            trans.rollback()

    def _compile_insert(self):
        """The INSERT as the driver takes it: rows go straight to the
        DBAPI's executemany, without SQLAlchemy's per-row parameter
        processing (Python work on the writing thread, under the GIL the
        callers need)."""
        compiled = self.table.insert().values(
            {name: sa.bindparam(name) for name in _COLUMNS}).compile(
                dialect=self.engine.dialect)
        self._insert_sql = str(compiled)
        if compiled.positional:
            order = [_COLUMNS.index(name) for name in compiled.positiontup]
            self._shape = lambda values: tuple(values[i] for i in order)
        else:
            self._shape = lambda values: dict(
                zip(_COLUMNS, values, strict=True))

    def _params(self, row):
        return self._shape((row.seq, row.message_id, row.routing_key,
                            row.version, _to_json({'ctxt': row.ctxt,
                                                   'message': row.message}),
                            self.owner, row.tries))

    def _select(self, limit, after=None):
        t = self.table
        query = (sa.select(t.c.id, t.c.seq, t.c.message_id, t.c.routing_key,
                           t.c.version, t.c.body, t.c.tries)
                 .where(t.c.owner == self.owner))
        if after is not None:
            # keyset: what comes after that row in replay order
            query = query.where(sa.or_(
                t.c.seq > after.seq,
                sa.and_(t.c.seq == after.seq, t.c.id > after.id)))
        return query.order_by(t.c.seq, t.c.id).limit(limit)

    @staticmethod
    def _span(table):
        """The DELETE of :meth:`delete_read`: this owner's rows from one
        row to another in replay order, none newer than a given id."""
        t = table
        param = sa.bindparam
        return t.delete().where(
            t.c.owner == param('owner'),
            sa.or_(t.c.seq > param('first_seq'), sa.and_(
                t.c.seq == param('first_seq'),
                t.c.id >= param('first_id'))),
            sa.or_(t.c.seq < param('last_seq'), sa.and_(
                t.c.seq == param('last_seq'),
                t.c.id <= param('last_id'))),
            t.c.id <= param('newest'))

    def _by_ids(self, ids):
        """The WHERE of a statement on this owner's rows ``ids``: found by
        the primary key.  The owner is compared through an expression,
        which no index serves: on ``owner = ?`` SQLite's planner (no
        statistics) took the index on (owner, seq, id) and read every row
        of the owner to find the ids, 23 ms of CPU for 10 ids among
        100,000 rows against 1.2 ms among 3,000."""
        t = self.table
        return (t.c.id.in_(ids),
                sa.func.coalesce(t.c.owner, '') == self.owner)

    def _delete(self, ids):
        return self.table.delete().where(*self._by_ids(ids))

    def free(self):
        return self.max_rows - self.count

    def put(self, rows, in_memory=None, settles=0):
        """Append ``rows``; return how many fit (the rest are not kept).
        With ``in_memory``, :meth:`record` it in the same transaction,
        and with it the tally's STORED grown by ``settles`` (the
        notifications these rows are: in the outbox, or dropped for want
        of room, they are out of memory once this commits); the tally's
        cell takes the sum once committed."""
        at = time.time()        # when the caller counted in_memory
        with self.lock:
            room = max(0, self.max_rows - self.count)
            rows = rows[:room]
            if not rows and in_memory is None:
                return 0
            params = [self._params(r) for r in rows]
            cells = self.tally.cells
            stored = cells[tally_mod.STORED] + settles
            with self.engine.begin() as conn:
                if params:
                    conn.exec_driver_sql(self._insert_sql, params)
                if in_memory is not None:
                    self.record(in_memory, conn, at, stored)
            cells[tally_mod.STORED] = stored
            self.count += len(rows)
            return len(rows)

    def tried(self, rows):
        """``rows`` (read from the outbox) were published again without
        a confirm: count the try in each; return how many had never been
        tried before."""
        if not rows:
            return 0
        t = self.table
        with self.lock:
            with self.engine.begin() as conn:
                conn.execute(t.update().where(
                    *self._by_ids([r.id for r in rows])).values(
                        tries=t.c.tries + 1))
        first = 0
        for row in rows:
            first += row.tries == 0
            row.tries += 1
        return first

    def head(self, limit, after=None):
        """The oldest ``limit`` rows, in replay order; with ``after`` (a
        row read earlier), the oldest that come after it."""
        with self.lock:
            with self.engine.connect() as conn:
                result = conn.execute(self._select(limit, after)).all()
        rows = []
        bad = []
        for id_, seq, message_id, routing_key, version, body, tries in \
                result:
            try:
                # Checked, not kept: what is parsed here is freed at once
                # (kept until the broker confirms, thousands of parsed
                # messages are what makes the collector's passes costly).
                doc = _parse(body)
                if not isinstance(doc.get('ctxt'), dict) or \
                        not isinstance(doc.get('message'), dict):
                    raise ValueError('no "ctxt" and "message" objects')
            except (ValueError, AttributeError) as exc:
                bad.append((id_, message_id, body, exc))
                continue
            rows.append(Row(seq, message_id, routing_key, version, None,
                            None, id=id_, body=body, tries=tries))
        if bad:
            self._discard(bad)
        return rows

    def _discard(self, bad):
        """Rows that cannot be read back (the file was damaged, or edited
        by hand) would block every row behind them: each is logged, with
        what it holds, and removed."""
        for id_, message_id, body, exc in bad:
            LOG.error('outbox %s: row %s (message %s) is not a readable '
                      'outbox message (%s); removed, it held: %.300s',
                      urls.mask_url(self.url), id_, message_id, exc, body)
        with self.lock:
            with self.engine.begin() as conn:
                deleted = conn.execute(self._delete(
                    [id_ for id_, _m, _b, _e in bad])).rowcount
            self.count = max(0, self.count - deleted)
            self.discarded += deleted

    def delete(self, rows):
        """Forget rows the broker confirmed; return the rows left."""
        with self.lock:
            if rows:
                ids = [r.id for r in rows]
                with self.engine.begin() as conn:
                    deleted = conn.execute(self._delete(ids)).rowcount
                self.count = max(0, self.count - deleted)
            return self.count

    def delete_read(self, rows):
        """Forget rows the broker confirmed that are, in replay order, a
        run of one :meth:`head` call with none of that run's rows left
        out (what a replay batch confirmed, none returned); return the
        rows left.

        One range statement instead of :meth:`delete`'s list of ids: half
        the database's work a row on SQLite, where the replay deletes
        thousands a second.  The range cannot take a row that was not
        read with the run: one written since, even with an older seq,
        has a larger id than every row read (this process writes its
        rows one transaction at a time, under :attr:`lock`), and the
        range stops at the largest id of the run.  Rows adopted since
        are ordered before this process's own rows, so before the run."""
        if not rows:
            return self.count
        first, last = rows[0], rows[-1]
        newest = max(row.id for row in rows)
        with self.lock:
            with self.engine.begin() as conn:
                deleted = conn.execute(self._delete_span, {
                    'owner': self.owner, 'first_seq': first.seq,
                    'first_id': first.id, 'last_seq': last.seq,
                    'last_id': last.id, 'newest': newest}).rowcount
            self.count = max(0, self.count - deleted)
            return self.count

    def close(self):
        with self.lock:
            self.locks.release_all()
            self.engine.dispose()


def _create_schema(engine, meta, table, ledger, attempts=5):
    """Create what is missing of the outbox (the columns an older outbox
    or ledger lacks too, and the ledger table), however many processes
    start together."""
    def create():
        meta.create_all(engine)
        _add_columns(engine, table, _ADDED_COLUMNS)
        _add_columns(engine, ledger, _ADDED_LEDGER_COLUMNS)
    dbschema.create_racing(create, attempts)


#: Columns an outbox made by an earlier tidings may lack, in the order
#: they came: ``owner`` (its rows, owner '', are adopted like any whose
#: owner is gone) and ``tries`` (0: never tried, as far as we know).
_ADDED_COLUMNS = (('owner', "VARCHAR(64) NOT NULL DEFAULT ''"),
                  ('tries', 'INTEGER NOT NULL DEFAULT 0'))
#: The same for the ledger: ``stored`` (0: the tally's cell decides).
_ADDED_LEDGER_COLUMNS = (('stored', 'BIGINT NOT NULL DEFAULT 0'),)


def _add_columns(engine, table, added):
    """A table made by an earlier tidings gets the columns it lacks."""
    columns = {c['name'] for c in sa.inspect(engine).get_columns(table.name)}
    for name, definition in added:
        if name in columns:
            continue
        with engine.begin() as conn:
            conn.execute(sa.text('ALTER TABLE %s ADD COLUMN %s %s' % (
                engine.dialect.identifier_preparer.quote(table.name), name,
                definition)))
        if name == 'owner':
            index = [i for i in table.indexes
                     if i.name.endswith('_owner')][0]
            index.create(engine, checkfirst=True)


#: Slots a process tries before giving up with an error.
MAX_SLOTS = 1024


def _slot_locks(engine, url, table, tally_dir=None):
    """The slot locks of an outbox; ``tally_dir``: where the tallies of
    an outbox on a database server live (a SQLite outbox keeps them
    beside its file)."""
    backend = url.get_backend_name()
    if backend == 'sqlite':
        database = url.database
        if not database or database == ':memory:':
            return _SingleOwner()
        return _FileLocks(os.path.abspath(database))
    if backend == 'postgresql':
        return _SessionLocks(engine, table, 'SELECT pg_try_advisory_lock(%s)',
                             'SELECT pg_advisory_unlock(%s)', _pg_key,
                             tally_dir)
    if backend in ('mysql', 'mariadb'):
        return _SessionLocks(engine, table, 'SELECT GET_LOCK(%s, 0)',
                             'SELECT RELEASE_LOCK(%s)', _named_key,
                             tally_dir)
    return _SingleOwner()


def _slot(n):
    return 'slot-%d' % n


class _SlotLocks:
    """Hold one slot for the process; test others for life."""

    #: Testing a slot for life costs no connection.
    cheap = False

    def tally_path(self, owner):
        """Where the tally of ``owner`` lives (None: in memory only)."""
        return None

    def claim(self):
        for n in range(MAX_SLOTS):
            if self.try_hold(_slot(n)):
                return _slot(n)
        raise errors.TidingsError(
            'outbox: all %d owner slots are held by running processes'
            % MAX_SLOTS)


class _SingleOwner(_SlotLocks):
    """One process per outbox (an in-memory SQLite database, or a
    database without a lock we know)."""

    def claim(self):
        return _slot(0)

    def try_hold(self, owner):
        return True

    def release(self, owner):
        pass

    def forget_inherited(self):
        pass

    def release_all(self):
        pass


class _FileLocks(_SlotLocks):
    """``flock`` on ``<outbox file>.<owner>.lock``: released by the kernel
    when the process ends, however it ends.  The slot's tally lives
    beside its lock file."""

    cheap = True

    def __init__(self, database):
        self.prefix = database
        self.held = {}         # owner -> fd

    def _path(self, owner):
        return '%s.%s.lock' % (self.prefix, owner or 'legacy')

    def tally_path(self, owner):
        return '%s.%s.tally' % (self.prefix, owner or 'legacy')

    def try_hold(self, owner):
        fd = os.open(self._path(owner), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.held[owner] = fd
        return True

    def release(self, owner):
        fd = self.held.pop(owner, None)
        if fd is not None:
            os.close(fd)

    def release_all(self):
        for owner in list(self.held):
            self.release(owner)

    # Closing our copies leaves the parent's locks in place (flock locks
    # belong to the open file, which the parent still has open).
    forget_inherited = release_all


#: Session connections a forked child inherited and must never close:
#: closing one would end the parent's session and free its slot.  Their
#: sockets are pointed at /dev/null in the child (see _let_go), so only
#: the objects stay.
_INHERITED = []


def _socket_fd(conn):
    """The socket descriptor of a DB-API connection (psycopg2's
    ``fileno()``, PyMySQL's socket), or None."""
    dbapi = getattr(conn, 'dbapi_connection', conn)
    for source in (dbapi, getattr(dbapi, '_sock', None)):
        fileno = getattr(source, 'fileno', None)
        if fileno is None:
            continue
        try:
            return fileno()
        except Exception:
            continue
    return None


def _let_go(conn):
    """In a forked child: drop this process's hold on the parent's session
    socket without a word on it.  The descriptor now refers to /dev/null,
    so the connection ends when the parent goes (and the server frees the
    parent's slot then, not when the last child goes), and whatever the
    child's copy of the driver might still write goes nowhere."""
    fd = _socket_fd(conn)
    if fd is None or fd < 0:
        return
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class _SessionLocks(_SlotLocks):
    """A database session lock per held slot, on a connection kept open
    for as long as the slot is held (the server frees it when the
    process's connection goes, however the process ends).  The slots'
    tallies live in ``tally_dir`` on this host (None: in memory only),
    named by the server, the table and the slot."""

    def __init__(self, engine, table, take, give, key, tally_dir=None):
        self.engine = engine
        self.table = table
        self.take_sql = take
        self.give_sql = give
        self.key = key
        self.held = {}         # owner -> DBAPI connection
        self.tally_dir = tally_dir
        where = '%s|%s' % (engine.url.render_as_string(hide_password=True),
                           table)
        self._tally_prefix = 'outbox-%08x' % zlib.crc32(where.encode())

    def tally_path(self, owner):
        if self.tally_dir is None:
            return None
        return os.path.join(self.tally_dir, '%s.%s.tally' % (
            self._tally_prefix, owner))

    def try_hold(self, owner):
        conn = self.engine.raw_connection()
        conn.detach()           # ours alone, never back to the pool
        try:
            cur = conn.cursor()
            cur.execute(self.take_sql, (self.key(self.table, owner),))
            row = cur.fetchone()
            got = row is not None and row[0] in (1, True)
            cur.close()
            conn.commit()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self.held[owner] = conn
        return True

    def release(self, owner):
        conn = self.held.pop(owner, None)
        if conn is None:
            return
        try:
            cur = conn.cursor()
            cur.execute(self.give_sql, (self.key(self.table, owner),))
            cur.close()
            conn.commit()
        finally:
            conn.close()

    def forget_inherited(self):
        for conn in self.held.values():
            _let_go(conn)
        _INHERITED.extend(self.held.values())
        self.held = {}

    def release_all(self):
        for owner in list(self.held):
            try:
                self.release(owner)
            except Exception:
                pass


def _pg_key(table, owner):
    """A bigint advisory lock key for (table, owner)."""
    text = ('tidings-outbox:%s:%s' % (table, owner)).encode('utf-8')
    return (zlib.crc32(text) << 16) ^ zlib.adler32(text)


def _named_key(table, owner):
    """A GET_LOCK name (64 characters at most)."""
    text = 'tidings-outbox:%s:%s' % (table, owner)
    if len(text) > 64:
        text = 'tidings-outbox:%08x:%s' % (zlib.crc32(table.encode()),
                                           owner)
    return text[:64]
