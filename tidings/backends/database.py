"""The database backend: notifications into an event table (SQLAlchemy).

Serves the ``database`` mechanism.  The caller only enqueues (a bounded
queue); a worker thread writes batches of up to ``batch_size``
notifications, one statement each (PostgreSQL COPY, a multi-row INSERT
elsewhere), doing as little Python per row as it can: it shares the
interpreter with the callers.  Options are in
``[backend_database]`` (:mod:`tidings.conf.backend_database`); the default
database is the SQLite file ``events.sqlite`` in ``[notifications]
state_path``; PostgreSQL and MariaDB/MySQL work as well.

The table (``<table_prefix>events``) keeps what an operator queries --
level (and its rank, for "this level and above"), event type, publisher,
source, object type / id / name, parent id, action, phase, project, user,
request id, status, reason, payload name and version -- plus the wire
payload as JSON.  How a payload fills those columns is its optional
``RECORD`` attribute, documented in :mod:`tidings.backends.record`::

    class NodePayload(Payload):
        RECORD = {'object_id': 'node.id', 'object_name': 'node.name',
                  'parent_id': 'node.cluster_id', 'project': 'node.project'}

Read it back with :class:`tidings.backends.eventstore.EventStore` or
``tidings events query``.  The schema is created and upgraded by alembic
migrations at start (``auto_migrate``) or by ``tidings db upgrade``.

Failures:

- A malformed URL or a missing driver is a configuration error: a
  ConfigError naming ``[backend_database] connection`` at startup (and
  from ``tidings config validate``), like every other bad option.
- An unreachable database, wrong credentials or an outage: the worker
  retries with a backoff growing to ``retry_interval_max``, logs the
  problem once per outage and its end, and keeps what is queued (up to
  ``queue_size`` waiting plus the ``batch_size`` batch in hand; beyond
  that drops are counted and logged once per burst).
- A batch that the database refuses for its content is written row by
  row: duplicates (a retried batch that had in fact been committed) are
  skipped, a row refused on its own is counted as failed and logged.
- Retention (``max_age``, ``max_rows_per_project``) runs on its own thread
  every ``retention_interval`` seconds.
"""

import logging
import os
import threading
import time

import sqlalchemy as sa

from tidings import conf as tidings_conf
from tidings.backends import base
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.backends import partitions
from tidings.backends import record
from tidings.objects import errors
from tidings.objects import urls

LOG = logging.getLogger(__name__)
OPTION = dbschema.OPTION


def default_url(conf):
    path = os.path.join(tidings_conf.state_path(conf), 'events.sqlite')
    return 'sqlite:///' + path


def is_transient(exc):
    """True when retrying later may succeed: the connection, the server or
    a lock, or a missing table the migrations will create."""
    if isinstance(exc, _NotReady):
        return True
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc, (sa.exc.OperationalError,
                            sa.exc.InterfaceError)):
            return True
        text = str(exc.orig).lower()
        return any(m in text for m in dbschema.MISSING_TABLE)
    return isinstance(exc, (sa.exc.DisconnectionError, sa.exc.TimeoutError,
                            OSError))


#: What some drivers say when the server went away in mid-statement
#: (PyMySQL: ``InterfaceError(0, '')``), said plainly.
_NOTHING_SAID = ('', "(0, '')")


def describe(exc):
    """One line for the operator: the driver's exception and the first
    line of its message."""
    if isinstance(exc, _NotReady):
        return str(exc)
    orig = getattr(exc, 'orig', None) or exc
    lines = str(orig).strip().splitlines()
    text = lines[0] if lines else ''
    if text in _NOTHING_SAID:
        text = 'the connection to the database was lost'
    return '%s: %s' % (type(orig).__name__, text)


def partition_errors(url, partition_by):
    """ConfigErrors of ``[backend_database] partition_by`` with the
    database of ``url`` (SQLite has no partitions)."""
    try:
        dialect = dbschema.parse_url(url).get_backend_name()
    except errors.TidingsError:
        return []   # reported against the connection
    return partitions.mode_errors(partition_by, dialect)


class _NotReady(Exception):
    """The schema is not at the head revision and auto_migrate is off."""


def check_url(url):
    """Raise ConfigErrors naming ``[backend_database] connection`` unless
    ``url`` is a database URL with a supported, installed driver (and, for
    SQLite, a file that can be created)."""
    problems = dbschema.url_errors(url)
    if problems:
        raise errors.ConfigErrors(problems)


def url_errors(conf, url=None):
    """The startup problems of the event database URL: ``url``, else
    ``[backend_database] connection``, else the default SQLite file in
    ``[notifications] state_path`` (reported against state_path)."""
    if url is None and conf is not None:
        url = conf.backend_database.connection
    if url is None:
        if conf is None:
            return []
        return tidings_conf.state_path_errors(conf, 'events.sqlite')
    return dbschema.url_errors(url)


class DatabaseBackend(base.QueuedBackend):
    """Stores notifications in the event table; see the module doc."""

    mechanisms = frozenset(['database'])

    @classmethod
    def check_conf(cls, conf):
        """The startup checks of ``[backend_database]`` (URL, port, driver,
        SQLite file), without connecting or creating anything: the
        problems found, as a list.  The constructor runs the same."""
        problems = url_errors(conf)
        if conf is not None and not problems:
            problems = partition_errors(conf.backend_database.connection or
                                        default_url(conf),
                                        conf.backend_database.partition_by)
        return problems

    def __init__(self, conf=None, name='database', url=None, **options):
        super().__init__(conf, name)
        group = conf.backend_database if conf is not None else None

        def opt(key, default):
            if key in options:
                return options.pop(key)
            return getattr(group, key) if group is not None else default

        # The startup check of tidings config validate, before anything
        # is created: a bad URL, a missing driver, an unusable file.
        self.url = url = tidings_conf.checked_location(
            conf, url, 'backend_database', 'connection', url_errors,
            default_url, 'DatabaseBackend needs a url or a conf')
        self.table_prefix = opt('table_prefix', dbschema.DEFAULT_PREFIX)
        self.auto_migrate = opt('auto_migrate', True)
        self.batch_size = opt('batch_size', 1000)
        self.flush_interval = opt('flush_interval', 0.1)
        self.queue_size = opt('queue_size', 100000)
        self.compact_after = self.batch_size
        self.retention_interval = opt('retention_interval', 600)
        self.retry_interval_max = opt('retry_interval_max', 10.0)
        self.connect_timeout = opt('connect_timeout', 10)
        self.max_rows_per_project = opt('max_rows_per_project', 0)
        max_age = opt('max_age', '')
        self.partition_by = opt('partition_by', 'none')
        self.partition_days_ahead = opt('partition_days_ahead',
                                        partitions.DAYS_AHEAD)
        if options:
            raise TypeError('unknown DatabaseBackend options: %s'
                            % ', '.join(sorted(options)))
        try:
            self.max_age = (eventstore.parse_duration(max_age, 'max_age')
                            if max_age not in ('', None) else None)
        except errors.FilterError as exc:
            raise errors.ConfigError('backend_database', 'max_age', max_age,
                                     exc.accepted) from None
        problems = partition_errors(url, self.partition_by)
        if problems:
            raise errors.ConfigErrors(problems)
        self.table = dbschema.get_table(self.table_prefix)
        self.safe_url = urls.mask_url(url)
        self._plans = {}
        self._engine = None
        self._engine_pid = None
        self._bulk = None
        self._conn = None
        self._conn_used = 0.0
        self._autocommit = False
        self._ready = False
        self._stop = threading.Event()
        self._retention = None
        self._retention_pid = None
        self._down_since = None
        self.last_error = None
        self.outages = base.BurstLog(
            LOG, '%s backend cannot write to the database' % self.name,
            quiet=max(30.0, 2 * self.retry_interval_max),
            level=logging.ERROR)
        self.row_errors = base.BurstLog(
            LOG, '%s backend could not store notifications' % self.name)
        # A malformed URL or a missing driver was refused above, like
        # every other bad option; an unreachable database or wrong
        # credentials are not configuration errors (the worker reports
        # them once and keeps trying).
        # Connect (and migrate) now, on the worker, so an unreachable
        # database or wrong credentials are reported at startup.
        self._start()

    # caller side

    def compact(self, notification):
        """The row of ``notification``, which :meth:`send` enqueues
        instead of it while more than a batch is waiting (the database
        is slow or down); None when the row cannot be built (counted as
        failed and logged, as on the worker).  (A full queue drops the
        notification before it gets here: no row is built for it.)

        The worker's next batch stays whole (the worker builds its rows,
        off the caller's thread); what waits beyond it is the row, built
        here: a tuple of text, the level rank and None
        (:meth:`record.Plan.row`) that holds nothing else alive (not the
        payload, its primitive, the context or the wire dict) and that
        the garbage collector stops tracking at its first pass.  A
        backlog of them takes about a third of the memory of queued
        notifications and gives the collector no work, where queued
        notifications (eleven tracked objects each) made its full passes
        grow with the backlog (figures in the operator guide, "Memory
        and queue_size").
        """
        try:
            return self._plan(notification).row(notification)
        except Exception as exc:
            self.count('failed')
            self._log_row_failure(notification, exc)
            return None

    # worker side

    def _get_engine(self):
        pid = os.getpid()
        if self._engine is None or self._engine_pid != pid:
            self._conn = None
            if self._engine is not None:
                self._engine.dispose(close=False)   # inherited by fork
            self._engine = dbschema.create_engine(
                self.url, self.connect_timeout, OPTION)
            self._engine_pid = pid
            self._bulk = dbschema.BulkInsert(self.table,
                                             self._engine.dialect)
            self._autocommit = self._bulk.autocommit
            self._ready = False
        return self._engine

    def _ensure_ready(self):
        if self._ready and self._engine_pid == os.getpid():
            return
        try:
            engine = self._get_engine()
            if self.auto_migrate:
                dbschema.upgrade(engine, self.table_prefix,
                                 partition_by=self.partition_by,
                                 days_ahead=self.partition_days_ahead)
            else:
                current = dbschema.current_revision(engine,
                                                    self.table_prefix)
                head = dbschema.head_revision()
                if current != head:
                    raise _NotReady(
                        'the event table is at revision %s, tidings needs '
                        '%s and [backend_database] auto_migrate is off; '
                        'run "tidings db upgrade"' % (current, head))
        except _NotReady:
            raise
        except Exception as exc:
            # Whatever stops the schema check (connection, credentials,
            # a concurrent migration) is retried.
            raise _NotReady(describe(exc)) from exc
        self._ready = True

    def _prepare(self):
        """On the worker, before its first batch: connect (and migrate),
        retrying; then start the retention thread (again in a forked
        child)."""
        self._wait_until_ready()
        if self._retention_pid != os.getpid() and (
                self.max_age or self.max_rows_per_project or
                self.partition_by == 'day'):
            self._retention_pid = os.getpid()
            self._retention = threading.Thread(
                target=self._retention_loop, daemon=True,
                name='tidings-%s-retention' % self.name)
            self._retention.start()

    def _wait_until_ready(self):
        delay = min(0.05, self.retry_interval_max)
        while not self._stop.is_set():
            try:
                self._ensure_ready()
                self._recovered()
                return
            except Exception as exc:
                self._failed(exc, 'connect')
            self._stop.wait(delay)
            delay = min(delay * 2, self.retry_interval_max)

    def _failed(self, exc, doing):
        self.counters['retries'] += 1
        if self._down_since is None:
            self._down_since = time.monotonic()
            self.counters['outages'] += 1
        self._ready = False
        self.last_error = describe(exc)
        self.outages.record(
            '%s = %s: cannot %s: %s; retrying with backoff up to %gs, '
            'notifications stay queued (up to %d)' % (
                OPTION, self.safe_url, doing, self.last_error,
                self.retry_interval_max, self.queue_size + self.batch_size))

    def _recovered(self):
        if self._down_since is None:
            return
        LOG.warning('%s backend: database %s is back after %.1fs',
                    self.name, self.safe_url,
                    time.monotonic() - self._down_since)
        self._down_since = None
        self.last_error = None

    def _plan(self, notification):
        definition = notification.event
        key = (definition, notification.payload.__class__)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = record.Plan(definition, key[1])
        return plan

    def rows(self, batch):
        """The rows of a batch of notifications and rows (value tuples,
        what :meth:`send` enqueues beyond a batch): a row as it is, a
        notification's as a value list; a notification that cannot be
        turned into a row is counted as failed and logged."""
        rows = []
        append = rows.append
        plans = self._plans
        for notification in batch:
            if notification.__class__ is tuple:
                append(notification)
                continue
            try:
                plan = plans.get((notification.event,
                                  notification.payload.__class__))
                if plan is None:
                    plan = self._plan(notification)
                append(plan.values(notification))
            except Exception as exc:
                self._row_failed(notification, exc)
        return rows

    def _row_failed(self, notification, exc):
        self.count('failed')
        self.count('sent', -1)
        self._log_row_failure(notification, exc)

    def _log_row_failure(self, notification, exc):
        self.row_errors.record('%s %s: %s' % (
            notification.event_type, notification.message_id,
            describe(exc)))

    def deliver(self, batch):
        rows = self.rows(batch)
        delay = min(0.05, self.retry_interval_max)
        one_by_one = False
        while rows:
            try:
                self._ensure_ready()
                if one_by_one:
                    rows = self._insert_each(rows)
                else:
                    conn = self._connection()
                    with conn.begin():
                        self._bulk(conn, rows)
                    self.counters['stored'] += len(rows)
                    rows = []
                self._recovered()
            except Exception as exc:
                self._release()
                if not is_transient(exc):
                    # The content, not the connection: isolate the rows.
                    one_by_one = True
                    continue
                if self._stop.is_set():
                    self.counters['lost_on_close'] += len(rows)
                    self.counters['sent'] -= len(rows)
                    self.row_errors.record(
                        'closed with the database down: %d notifications '
                        'not stored (%s)' % (len(rows), describe(exc)),
                        len(rows))
                    return
                self._failed(exc, 'write')
                self._stop.wait(delay)
                delay = min(delay * 2, self.retry_interval_max)

    #: A connection idle longer than this goes back to the pool (which
    #: checks it before the next use); while busy the writer keeps it.
    HOLD = 1.0

    def _connection(self):
        """The writer's connection: kept across the batches of a burst
        (no pool checkout and pre-ping round trip per batch); in
        autocommit when a batch is a single statement (PostgreSQL COPY).
        """
        now = time.monotonic()
        conn = self._conn
        if conn is not None and now - self._conn_used > self.HOLD:
            self._release()
            conn = None
        if conn is None:
            conn = self._engine.connect()
            if self._autocommit:
                conn = conn.execution_options(isolation_level='AUTOCOMMIT')
            self._conn = conn
        self._conn_used = now
        return conn

    def _release(self):
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:    # already broken: the pool replaces it
                pass

    def _insert_each(self, rows):
        """Insert rows one at a time; return those left when the database
        went away (to retry), skipping duplicates and refused rows."""
        insert = self.table.insert()
        for index, values in enumerate(rows):
            row = dbschema.as_dict(values)
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert, row)
                self.counters['stored'] += 1
            except sa.exc.IntegrityError:
                self.counters['duplicates'] += 1
            except Exception as exc:
                if is_transient(exc):
                    return rows[index:]
                self.count('failed')
                self.count('sent', -1)
                self.row_errors.record('%s %s: %s' % (
                    row['event_type'], row['id'], describe(exc)))
        return []

    # retention

    def _retention_loop(self):
        try:
            advice = eventstore.purge_advice(self._get_engine(), self.table)
        except Exception as exc:
            advice = None
            self.row_errors.record('retention check failed: %s'
                                   % describe(exc))
        if advice:
            LOG.warning('%s backend: retention: %s', self.name, advice)
        while not self._stop.is_set():
            try:
                self.retain()
            except Exception as exc:
                self.row_errors.record('retention pass failed: %s'
                                       % describe(exc))
            self._stop.wait(self.retention_interval)

    def retain(self):
        """One retention pass; returns how many events were deleted."""
        engine = self._get_engine()
        deleted = 0
        if self.partition_by == 'day':
            try:
                partitions.upkeep(engine, self.table.name,
                                  self.partition_days_ahead)
            except sa.exc.SQLAlchemyError as exc:
                # e.g. the table's lock not had within LOCK_TIMEOUT: the
                # days were made ahead, the next pass tries again.
                self.row_errors.record('partition upkeep failed: %s'
                                       % describe(exc))
        if self.max_age:
            cutoff = eventstore.utcnow() - eventstore.datetime.timedelta(
                seconds=self.max_age)
            deleted += eventstore.purge_before(
                engine, self.table, cutoff, stop=self._stop.is_set)
        if self.max_rows_per_project:
            deleted += eventstore.trim_projects(engine, self.table,
                                                self.max_rows_per_project)
        self.counters['purged'] += deleted
        return deleted

    # shutdown and health

    def _shutdown(self, timeout):
        self._stop.set()
        super()._shutdown(timeout)
        if self._retention is not None and \
                self._retention_pid == os.getpid():
            self._retention.join(timeout)
        if self._engine is not None and self._engine_pid == os.getpid():
            if not self._worker.is_alive():
                self._release()
            self._engine.dispose()
        self.row_errors.summary()
        self.outages.summary()

    def stats(self):
        out = super().stats()
        for key in ('stored', 'duplicates', 'retries', 'outages', 'purged',
                    'lost_on_close'):
            out.setdefault(key, 0)
        out['database_down'] = self._down_since is not None
        out['last_error'] = self.last_error
        return out
