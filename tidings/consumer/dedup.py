"""Bounded de-duplication of received notifications by ``message_id``.

tidings delivers at least once: a message whose publisher confirm was
lost goes to the outbox and is replayed with the same ``message_id``, so
a consumer may receive it twice.  A de-duplicator remembers the ids it
has handed over and says when one comes again.

Both kinds are bounded, since an unbounded set would grow with every
message ever received:

- :class:`MemoryDeduplicator`: the most recent ``size`` ids of this
  process (least recently seen forgotten first).  Enough when duplicates
  arrive close together (a replay follows an outage by seconds) and the
  consumer does not restart in between.
- :class:`DatabaseDeduplicator`: a small table (created on first use in
  SQLite, PostgreSQL or MariaDB) keeping ids for ``max_age`` seconds and
  at most ``max_rows`` of them, shared by the consumer's processes and
  surviving restarts.

:meth:`claim` returns True the first time an id is seen (hand the message
over) and False for a duplicate; :meth:`release` forgets an id whose
handler failed, so a redelivery of that message is handled again rather
than skipped.
"""

import collections
import threading
import time

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tidings.backends import dbschema
from tidings.objects import errors
from tidings.objects import urls


def _check_id(message_id):
    if not isinstance(message_id, str) or not message_id:
        raise errors.ArgumentError(
            'message_id', message_id, 'a non-empty string (the '
            'notification\'s message_id)')


class MemoryDeduplicator:
    """The last ``size`` message ids seen by this process."""

    def __init__(self, size=100000):
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise errors.ArgumentError('MemoryDeduplicator size', size,
                                       'a whole number >= 1')
        self.size = size
        self._seen = collections.OrderedDict()
        self._lock = threading.Lock()
        #: ``claimed``, ``duplicates``, ``evicted`` (forgotten for room).
        self.stats = collections.Counter()

    def claim(self, message_id):
        """True the first time ``message_id`` is seen, else False."""
        _check_id(message_id)
        with self._lock:
            if message_id in self._seen:
                self._seen.move_to_end(message_id)
                self.stats['duplicates'] += 1
                return False
            self._seen[message_id] = None
            self.stats['claimed'] += 1
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
                self.stats['evicted'] += 1
            return True

    def release(self, message_id):
        with self._lock:
            self._seen.pop(message_id, None)

    def __contains__(self, message_id):
        with self._lock:
            return message_id in self._seen

    def __len__(self):
        return len(self._seen)

    def close(self):
        pass


class DatabaseDeduplicator:
    """Message ids in a database table, for consumers that restart.

    :param url: SQLAlchemy URL (``sqlite:////var/lib/svc/seen.sqlite``,
        ``postgresql+psycopg2://...``, ``mysql+pymysql://...``).
    :param consumer: the consumer's name: several consumers may share one
        table, each de-duplicating its own messages.
    :param table: the table, created when missing.
    :param max_age: seconds an id is kept (a replay comes well within).
    :param max_rows: ids kept at most per consumer (the oldest go first).
    :param prune_every: claims between two prunes (a prune is two
        statements; doing it on every claim would double the cost).
    """

    def __init__(self, url, consumer='default',
                 table='tidings_consumer_seen', max_age=7 * 86400,
                 max_rows=1000000, prune_every=1000):
        option = 'DatabaseDeduplicator url'
        problems = dbschema.url_errors(url, 'consumer', 'dedup_url')
        if problems:
            # url_errors words it for a configuration option; this is an
            # argument: its name, the (masked) URL and what is accepted
            raise errors.DatabaseError(
                option, urls.mask_url(url),
                str(problems[0]).split(': ', 1)[-1])
        for what, value, low in (('max_age', max_age, 1),
                                 ('max_rows', max_rows, 1),
                                 ('prune_every', prune_every, 1)):
            if not isinstance(value, (int, float)) or isinstance(
                    value, bool) or value < low:
                raise errors.ArgumentError('DatabaseDeduplicator ' + what,
                                           value, 'a number >= %d' % low)
        if not isinstance(consumer, str) or not consumer or \
                len(consumer) > 64:
            raise errors.ArgumentError(
                'DatabaseDeduplicator consumer', consumer,
                'a non-empty name of at most 64 characters')
        self.url = url
        self.consumer = consumer
        self.max_age = max_age
        self.max_rows = int(max_rows)
        self.prune_every = int(prune_every)
        self.engine = dbschema.create_engine(url, option=option)
        meta = sa.MetaData()
        self.table = sa.Table(
            table, meta,
            sa.Column('consumer', sa.String(64), primary_key=True),
            sa.Column('message_id', sa.String(64), primary_key=True),
            # double precision: MariaDB's FLOAT would round a Unix time
            # to minutes
            sa.Column('seen_at', sa.Double, nullable=False),
            sa.Index('ix_%s_seen' % table, 'consumer', 'seen_at'),
        )
        self._lock = threading.Lock()
        self._since_prune = 0
        self.stats = collections.Counter()
        try:
            dbschema.create_racing(lambda: meta.create_all(self.engine))
        except sa_exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise errors.DatabaseError(
                option, urls.mask_url(url), 'cannot create table %s: %s' % (
                    table, getattr(exc, 'orig', None) or exc)) from None

    def claim(self, message_id, now=None):
        """True the first time ``message_id`` is seen (within ``max_age``
        and the ``max_rows`` newest), else False.  A database that cannot
        be reached raises DatabaseError."""
        _check_id(message_id)
        now = time.time() if now is None else now
        try:
            with self.engine.begin() as conn:
                conn.execute(self.table.insert().values(
                    consumer=self.consumer, message_id=message_id[:64],
                    seen_at=now))
        except sa_exc.IntegrityError:
            self.stats['duplicates'] += 1
            return False
        except sa_exc.SQLAlchemyError as exc:
            raise errors.DatabaseError(
                'DatabaseDeduplicator url', urls.mask_url(self.url),
                'cannot record message %s: %s' % (
                    message_id, getattr(exc, 'orig', None) or exc)) from None
        self.stats['claimed'] += 1
        with self._lock:
            self._since_prune += 1
            due = self._since_prune >= self.prune_every
            if due:
                self._since_prune = 0
        if due:
            self.prune(now)
        return True

    def release(self, message_id):
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.consumer == self.consumer,
                                          t.c.message_id == message_id[:64]))

    def prune(self, now=None):
        """Forget ids older than ``max_age`` and beyond the ``max_rows``
        newest; return how many rows went."""
        now = time.time() if now is None else now
        t = self.table
        mine = t.c.consumer == self.consumer
        with self.engine.begin() as conn:
            removed = conn.execute(t.delete().where(
                mine, t.c.seen_at < now - self.max_age)).rowcount
            # the seen_at of the oldest row to keep; MariaDB refuses a
            # DELETE reading its own table, so it is read first
            cutoff = conn.execute(
                sa.select(t.c.seen_at).where(mine)
                .order_by(t.c.seen_at.desc())
                .offset(self.max_rows - 1).limit(1)).scalar()
            if cutoff is not None:
                removed += conn.execute(t.delete().where(
                    mine, t.c.seen_at < cutoff)).rowcount
        self.stats['pruned'] += removed
        return removed

    def __contains__(self, message_id):
        t = self.table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(
                t).where(t.c.consumer == self.consumer,
                         t.c.message_id == message_id[:64])).scalar() > 0

    def __len__(self):
        t = self.table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(
                t).where(t.c.consumer == self.consumer)).scalar()

    def close(self):
        self.engine.dispose()
