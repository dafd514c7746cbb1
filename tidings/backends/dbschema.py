"""The event table, engines and migrations shared by the database backend,
:class:`~tidings.backends.eventstore.EventStore` and ``tidings db``.

The table is ``<prefix>events`` (``tidings_events`` by default); alembic
keeps its revision in ``<prefix>alembic_version``, so tidings never touches
a service's own ``alembic_version`` in a shared database, and tests can use
a unique prefix each.  The schema is created and upgraded only by the
migrations in ``tidings/backends/migrations``; :func:`events_table` is the
model the code reads and writes, and a test checks that both agree.
"""

import contextlib
import datetime
import hashlib
import importlib.util
import io
import itertools
import os
import sqlite3
import threading
import time

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import make_url

from tidings import conf as tidings_conf
from tidings.backends import partitions
from tidings.conf import _checks
from tidings.objects import errors
from tidings.objects import urls

DEFAULT_PREFIX = 'tidings_'
MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          'migrations')
OPTION = '[backend_database] connection'

#: Words in a driver error saying the table is missing.
MISSING_TABLE = ('no such table', 'does not exist', "doesn't exist")

#: Length of the short string columns; longer values are cut on write.
SHORT = 255

#: Column name -> length, for the string columns values are cut to.
STRING_LENGTHS = {}

_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql',
                                       'mariadb')
_LONGTEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')

_COLUMNS = (
    ('id', 64, False),
    ('level', 16, False),
    ('event_type', SHORT, False),
    ('publisher_id', SHORT, True),
    ('source', SHORT, True),
    ('object_type', SHORT, True),
    ('object_id', SHORT, True),
    ('object_name', SHORT, True),
    ('parent_id', SHORT, True),
    ('action', SHORT, True),
    ('phase', 16, True),
    ('project', SHORT, True),
    ('user', SHORT, True),
    ('request_id', SHORT, True),
    ('status', SHORT, True),
    ('payload_name', SHORT, True),
    ('payload_version', 16, True),
)
STRING_LENGTHS.update((name, length) for name, length, _ in _COLUMNS)

#: Every column of the event table, in table order (the order of the
#: value lists :class:`BulkInsert` writes).
COLUMNS = (('id', 'timestamp', 'level', 'level_rank') +
           tuple(name for name, _, _ in _COLUMNS[2:]) +
           ('reason', 'payload'))

#: (suffix, columns) of every index; names are ``ix_<prefix>events_<sfx>``.
#: Each listing index ends in ``(timestamp, id)``, the listing order, so a
#: keyset page is an index seek (migration 0002).  Migration 0003 made
#: them cheaper to write: the indexes of the nullable id columns leave
#: out the events without that id (:data:`PARTIAL`), and a request's
#: index holds the request id alone (a request has a handful of events,
#: sorted after the seek).  Design and figures in the operator guide.
INDEXES = (
    ('timestamp', ('timestamp', 'id')),
    ('project_ts', ('project', 'timestamp', 'id')),
    ('project_type_ts', ('project', 'event_type', 'timestamp', 'id')),
    ('type_ts', ('event_type', 'timestamp', 'id')),
    ('object_id_ts', ('object_id', 'timestamp', 'id')),
    ('parent_id_ts', ('parent_id', 'timestamp', 'id')),
    ('request_id', ('request_id',)),
)

#: Index suffixes whose first column may be NULL and that hold only the
#: rows where it is not (PostgreSQL and SQLite; MariaDB has no partial
#: indexes and indexes every row): an event without an object, a parent
#: or a request costs no write in those indexes.  A listing filters them
#: by equality, which implies ``IS NOT NULL``, so the planners use them.
PARTIAL = ('object_id_ts', 'parent_id_ts', 'request_id')


def partial_where(column):
    """The dialect keyword arguments of a partial index on ``column``
    (a SQLAlchemy column or a name, as alembic's ``create_index``
    takes): rows where it is not NULL."""
    where = sa.column(column).isnot(None) if isinstance(column, str) \
        else column.isnot(None)
    return {'postgresql_where': where, 'sqlite_where': where}


def table_name(prefix=DEFAULT_PREFIX):
    return prefix + 'events'


def version_table(prefix=DEFAULT_PREFIX):
    return prefix + 'alembic_version'


#: The columns of Senlin's ``event`` table, in its order: the columns of
#: the view ``<prefix>senlin_event`` (migration 0004).
SENLIN_EVENT_COLUMNS = ('id', 'timestamp', 'oid', 'oname', 'otype',
                        'cluster_id', 'level', 'user', 'project', 'action',
                        'status', 'status_reason', 'meta_data')


def senlin_view_name(prefix=DEFAULT_PREFIX):
    return prefix + 'senlin_event'


def senlin_view(prefix=DEFAULT_PREFIX):
    """The view in the shape of Senlin's ``event`` table, to select from
    (``sa.select(view).where(view.c.cluster_id == ...)``)."""
    return sa.table(senlin_view_name(prefix), *(
        sa.column(c, _DATETIME if c == 'timestamp' else sa.String)
        for c in SENLIN_EVENT_COLUMNS))


def events_table(metadata, prefix=DEFAULT_PREFIX):
    """The event table model (what the latest migration creates)."""
    name = table_name(prefix)
    columns = []
    for column, length, nullable in _COLUMNS:
        columns.append(sa.Column(column, sa.String(length),
                                 primary_key=column == 'id',
                                 nullable=nullable))
        if column == 'id':
            columns.append(sa.Column('timestamp', _DATETIME, nullable=False))
        if column == 'level':
            columns.append(sa.Column('level_rank', sa.SmallInteger,
                                     nullable=False))
    columns.append(sa.Column('reason', sa.Text, nullable=True))
    columns.append(sa.Column('payload', _LONGTEXT, nullable=True))
    table = sa.Table(name, metadata, *columns)
    for suffix, cols in INDEXES:
        where = partial_where(table.c[cols[0]]) if suffix in PARTIAL else {}
        sa.Index('ix_%s_%s' % (name, suffix), *(table.c[c] for c in cols),
                 **where)
    return table


_TABLES = {}
_TABLES_LOCK = threading.Lock()


def get_table(prefix=DEFAULT_PREFIX):
    """The (cached) table model for ``prefix``."""
    with _TABLES_LOCK:
        table = _TABLES.get(prefix)
        if table is None:
            table = _TABLES[prefix] = events_table(sa.MetaData(), prefix)
        return table


def _driver_available(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):   # e.g. None in sys.modules
        return False


#: The extra of tidings that installs the driver of a database, and that
#: driver's SQLAlchemy name.
EXTRAS = {'postgresql': ('postgresql', 'psycopg2'),
          'mysql': ('mysql', 'pymysql'),
          'mariadb': ('mysql', 'pymysql')}

SUPPORTED = ('sqlite, postgresql (pip install tidings[postgresql]), mysql or '
             'mariadb (pip install tidings[mysql])')


def url_errors(url, group='backend_database', option='connection'):
    """ConfigErrors for a database URL, without connecting: not a URL, a
    port out of 1-65535, an unknown database, a driver that is not
    installed (naming the extra that installs it), a SQLite file that
    cannot be created.  Empty when the URL is usable."""
    masked = urls.mask_url(url)
    if not isinstance(url, str) or not url.strip():
        return [errors.ConfigError(
            group, option, url, 'empty; expected a database URL, e.g. '
            'sqlite:////path/events.sqlite, '
            'postgresql+psycopg2://user:pass@host/db or '
            'mysql+pymysql://user:pass@host/db')]
    ports = _checks.url_port_errors(group, option, url)
    if ports:
        return ports
    try:
        parsed = parse_url(url)
    except errors.DatabaseError as exc:
        return [errors.ConfigError(
            group, option, masked,
            'not a usable SQLAlchemy URL: ' + str(exc).split(': ', 1)[-1])]
    try:
        dialect = parsed.get_dialect()
        importer = getattr(dialect, 'import_dbapi', None) or dialect.dbapi
        importer()
    except ImportError as exc:
        backend = parsed.get_backend_name()
        driver = parsed.get_driver_name()
        extra, extra_driver = EXTRAS.get(backend, (None, None))
        explicit = '+' in parsed.drivername
        if extra and not explicit:
            what = 'no %s driver is installed' % backend
            hint = 'install one with: pip install tidings[%s] (%s)' % (
                extra, extra_driver)
        elif extra and driver == extra_driver:
            what = 'the %s driver %s is not installed' % (backend, driver)
            hint = 'install it with: pip install tidings[%s]' % extra
        elif extra:
            what = 'the %s driver %s is not installed' % (backend, driver)
            hint = ('install that driver, or use %s+%s:// and pip install '
                    'tidings[%s]' % (backend, extra_driver, extra))
        else:
            what = 'the %s driver %s is not installed' % (backend, driver)
            hint = 'install that driver; supported: ' + SUPPORTED
        return [errors.ConfigError(
            group, option, masked, '%s (%s: %s); %s' % (
                what, type(exc).__name__, exc, hint))]
    except Exception as exc:
        return [errors.ConfigError(
            group, option, masked,
            'unsupported database or driver %r (%s: %s); supported: %s' % (
                parsed.drivername, type(exc).__name__, exc, SUPPORTED))]
    return tidings_conf.sqlite_path_errors(group, option, url)


def parse_url(url, option=OPTION):
    """A SQLAlchemy URL object, or a DatabaseError naming ``option``.

    ``postgresql://`` (no driver) uses psycopg2 when psycopg 3 is not
    installed, and ``mysql://`` / ``mariadb://`` use PyMySQL when
    mysqlclient is not, so the common short forms just work.
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise errors.DatabaseError(
            option, repr(url), 'not a database URL; expected e.g. '
            'sqlite:////path/events.sqlite, '
            'postgresql+psycopg2://user:pass@host/db or '
            'mysql+pymysql://user:pass@host/db') from None
    backend, driver = parsed.get_backend_name(), parsed.drivername
    if driver == 'postgresql' and not _driver_available('psycopg') and \
            _driver_available('psycopg2'):
        parsed = parsed.set(drivername='postgresql+psycopg2')
    elif driver in ('mysql', 'mariadb') and not _driver_available(
            'MySQLdb') and _driver_available('pymysql'):
        parsed = parsed.set(drivername=driver + '+pymysql')
    try:
        parsed.get_dialect()
    except Exception as exc:
        raise errors.DatabaseError(
            option, urls.mask_url(parsed),
            'unsupported database or driver %r (%s: %s); supported: %s' % (
                parsed.drivername if backend else url,
                type(exc).__name__, exc, SUPPORTED)) from None
    return parsed


def create_engine(url, connect_timeout=10, option=OPTION):
    """An engine for the event database.

    SQLite files get WAL journaling (readers do not block the writer) and
    a busy timeout; their directory is created.  Network databases get a
    connect timeout and pre-ping, so a connection broken by an outage is
    replaced instead of failing a batch.
    """
    parsed = parse_url(url, option)
    backend = parsed.get_backend_name()
    kwargs = {}
    connect_args = {}
    if backend == 'sqlite':
        database = parsed.database
        if database and database != ':memory:' and not \
                database.startswith('file:'):
            directory = os.path.dirname(os.path.abspath(database))
            os.makedirs(directory, exist_ok=True)
        connect_args['timeout'] = 30
    else:
        kwargs['pool_pre_ping'] = True
        kwargs['pool_recycle'] = 3600
        connect_args['connect_timeout'] = connect_timeout
        if backend == 'postgresql':
            connect_args.update(keepalives=1, keepalives_idle=10,
                                keepalives_interval=5, keepalives_count=3)
        elif backend in ('mysql', 'mariadb'):
            connect_args['charset'] = 'utf8mb4'
    engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)
    if backend == 'sqlite':
        sa.event.listen(engine, 'connect', sqlite_pragmas)
    return engine


#: What a database says to the process that lost a race to create a
#: table, index or column (SQLite, PostgreSQL, MariaDB/MySQL).
LOST_RACE = ('already exists', 'duplicate column', 'duplicate key name',
             'pg_type_typname_nsp_index')


def create_racing(create, attempts=5):
    """``create()``, which creates what is missing of a schema, again when
    it lost a race: processes starting together (the workers of one
    service) may all find a table missing and all create it; the losers
    see it there on the next look.  Used by the outbox and the consumer's
    de-duplication table."""
    for attempt in range(attempts):
        try:
            return create()
        except sa.exc.SQLAlchemyError as exc:
            text = str(getattr(exc, 'orig', None) or exc).lower()
            if attempt == attempts - 1 or not any(
                    m in text for m in LOST_RACE):
                raise
            time.sleep(0.05 * (attempt + 1))


#: How long a new SQLite connection tries to switch the file to WAL while
#: another process holds it (two workers opening a new file at once).
WAL_WAIT = 10.0


def sqlite_pragmas(dbapi_conn, _record=None):
    """WAL with synchronous=NORMAL on a new SQLite connection: a commit
    survives the process being killed (not a power loss) and costs no
    fsync per write.  Used by the event database and the outbox.

    Switching to WAL takes the file's exclusive lock, and SQLite answers
    "database is locked" at once, without its busy timeout, while another
    process's connection (often one switching it too) holds the file; so
    the switch is tried again for up to :data:`WAL_WAIT` seconds (before:
    one of two workers opening a new outbox together could fail to
    start).  Any other refusal (a read-only file) keeps SQLite's defaults.
    """
    cursor = dbapi_conn.cursor()
    deadline = time.monotonic() + WAL_WAIT
    delay = 0.005
    try:
        while True:
            try:
                cursor.execute('PRAGMA journal_mode=WAL')
                break
            except sqlite3.OperationalError as exc:
                if 'locked' not in str(exc) or \
                        time.monotonic() + delay > deadline:
                    return
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        cursor.execute('PRAGMA synchronous=NORMAL')
    except Exception:  # noqa: S110 - e.g. read-only file: the defaults
        pass
    finally:
        cursor.close()


# migrations

def alembic_config(engine_or_connection, prefix=DEFAULT_PREFIX,
                   partition_by='none'):
    from alembic.config import Config
    config = Config()
    config.set_main_option('script_location', MIGRATIONS)
    config.attributes['table_prefix'] = prefix
    config.attributes['partition_by'] = partition_by
    config.attributes['connectable'] = engine_or_connection
    return config


#: Seconds a migration waits for another one running on the same
#: database before it fails (and the backend retries).
MIGRATION_LOCK_TIMEOUT = 60


@contextlib.contextmanager
def migration_lock(connection, prefix=DEFAULT_PREFIX,
                   timeout=MIGRATION_LOCK_TIMEOUT):
    """Serialise migrations of one event table across processes: a
    transaction on ``connection`` (not in one yet) that begins once the
    lock is held and commits before the lock is released.

    A process that waited must then see all the one before it committed,
    above all the version row, or it runs the first migration again and
    fails on CREATE TABLE ("Table ... already exists").  Hence the order:

    * the lock is released after the commit.  MariaDB commits each DDL
      statement at once, but alembic's version row is an InnoDB row that
      commits with the transaction; releasing ``GET_LOCK`` before that
      commit let a waiter read the version table empty in between;
    * the migration's transaction begins after the lock is held, so its
      snapshot does not predate the other migration: under REPEATABLE
      READ or SERIALIZABLE (a server's default_transaction_isolation)
      PostgreSQL takes it at the first statement, which was the one that
      waited for a transaction advisory lock; MariaDB (REPEATABLE READ by
      default) takes it at the first read, now after the lock as well.

    PostgreSQL (``pg_advisory_lock``, ``lock_timeout``) and MariaDB/MySQL
    (``GET_LOCK``): a session lock taken in a short transaction of its
    own, committed before the migration's begins.  SQLite: the file's
    write lock, which is the migration's transaction (``BEGIN
    IMMEDIATE``, waiting up to the busy timeout, released by its commit).
    """
    name = connection.dialect.name
    key = 'tidings-migrate:' + version_table(prefix)
    if name == 'postgresql':
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8],
                                'big', signed=True)
        # Also bounds the migration's waits for table locks, as before.
        setup = "SET LOCAL lock_timeout = '%ds'" % int(timeout)
        connection.exec_driver_sql(setup)
        connection.execute(sa.text('SELECT pg_advisory_lock(:key)'),
                           {'key': number})
        release = (sa.text('SELECT pg_advisory_unlock(:key)'),
                   {'key': number})
    elif name in ('mysql', 'mariadb'):
        got = connection.execute(sa.text('SELECT GET_LOCK(:key, :timeout)'),
                                 {'key': key, 'timeout': timeout}).scalar()
        if got != 1:
            raise errors.DatabaseError(
                'migration lock', key, 'another process has been migrating '
                'this event table for %ss; try again later' % timeout)
        release = (sa.text('SELECT RELEASE_LOCK(:key)'), {'key': key})
        setup = None
    else:
        with connection.begin():
            # The sqlite3 module runs DDL outside a transaction; take the
            # write lock first, so the schema is read and changed under it.
            if name == 'sqlite' and not \
                    connection.connection.dbapi_connection.in_transaction:
                connection.exec_driver_sql('BEGIN IMMEDIATE')
            yield
        return
    connection.commit()
    try:
        with connection.begin():
            if setup:
                connection.exec_driver_sql(setup)
            yield
    finally:
        try:
            connection.execute(*release)
            connection.commit()
        except sa.exc.DBAPIError:
            # Closing the session releases its lock; never pool it.
            connection.invalidate()


class StatementCancel:
    """Cancel, from another thread, the statement running on the
    connection given to :meth:`attach` (Ctrl-C of ``tidings db
    upgrade``): the statement fails and its transaction rolls back.
    A signal cannot do it: psycopg2 waits for the server in C and
    delivers Ctrl-C only when the statement ends, minutes later for an
    index build.  PostgreSQL: the driver's cancel request; MariaDB:
    ``KILL QUERY`` from a connection of its own; SQLite: the
    connection's interrupt."""

    def __init__(self):
        self.dialect = self.dbapi = self.engine = self.thread_id = None
        self.cancelled = False

    def attach(self, connection):
        self.dialect = connection.dialect.name
        self.dbapi = connection.connection.dbapi_connection
        self.engine = connection.engine
        if self.dialect in ('mysql', 'mariadb'):
            # pymysql and mysqlclient: the server's id of the session.
            self.thread_id = self.dbapi.thread_id()

    def __call__(self):
        self.cancelled = True
        if self.dbapi is None:
            return
        if self.dialect == 'postgresql':
            self.dbapi.cancel()
        elif self.thread_id is not None:
            with self.engine.connect() as conn:
                conn.exec_driver_sql('KILL QUERY %d' % int(self.thread_id))
        elif hasattr(self.dbapi, 'interrupt'):
            self.dbapi.interrupt()


def upgrade(engine, prefix=DEFAULT_PREFIX, revision='head',
            progress=None, cancel=None, partition_by='none',
            days_ahead=partitions.DAYS_AHEAD):
    """Create or upgrade the event table to ``revision`` (alembic); a
    concurrent migration of the same table is waited for.

    :param progress: ``progress(step)`` as each statement of a migration
        begins (``'0002 (1 of 1): CREATE INDEX ix_... ON ...'``) and
        ``progress(None)`` after the last: an index build on millions of
        rows takes minutes (``tidings db upgrade`` shows it).
    :param cancel: a :class:`StatementCancel`, attached to the
        migration's connection.
    :param partition_by: ``'day'``: the table is created partitioned by
        day (PostgreSQL, MariaDB/MySQL; a ConfigError elsewhere), an
        empty unpartitioned one is made again partitioned, one holding
        events is refused (:data:`partitions.CONVERT_HELP`); then the
        partitions of today and the next ``days_ahead`` days are made
        (:mod:`tidings.backends.partitions`).
    """
    from alembic import command
    partitioned = partitions.check_mode(partition_by, engine.dialect.name)
    with engine.connect() as connection:
        if cancel is not None:
            cancel.attach(connection)
        with migration_lock(connection, prefix):
            config = alembic_config(connection, prefix, partition_by)
            steps = contextlib.nullcontext() if progress is None else \
                MigrationSteps(connection, config, revision, progress)
            with steps:
                if partitioned:
                    _repartition(connection, config, prefix)
                command.upgrade(config, revision)
    if partitioned:
        partitions.upkeep(engine, table_name(prefix), days_ahead)
    return current_revision(engine, prefix)


def _repartition(connection, config, prefix):
    """Before an upgrade with ``partition_by = day``: an event table
    that exists unpartitioned is dropped (all migrations down) when it
    is empty, so that the upgrade makes it again partitioned; when it
    holds events, a DatabaseError says how to convert it."""
    from alembic import command
    name = table_name(prefix)
    if not sa.inspect(connection).has_table(name) or \
            partitions.is_partitioned(connection, name):
        return
    if connection.dialect.name == 'postgresql':
        # No writer adds a row between the look and the drop.
        connection.exec_driver_sql('LOCK TABLE %s IN ACCESS EXCLUSIVE '
                                   'MODE' % connection.dialect.
                                   identifier_preparer.quote(name))
    if not partitions.is_empty(connection, name):
        raise errors.DatabaseError('[backend_database] partition_by', 'day',
                                   partitions.CONVERT_HELP % name)
    command.downgrade(config, 'base')


def pending_migrations(engine_or_connection, prefix=DEFAULT_PREFIX,
                       revision='head'):
    """The revision ids an upgrade to ``revision`` runs, in order."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(alembic_config(None, prefix))
    current = current_revision(engine_or_connection, prefix)
    return [r.revision for r in reversed(list(script.iterate_revisions(
        revision, current or 'base')))]


#: Statements that are a step of a migration (alembic's reads and its
#: version table are not).
_STEP_VERBS = ('CREATE', 'DROP', 'ALTER', 'INSERT', 'UPDATE', 'DELETE')
#: Characters of a statement a step shows (a CREATE TABLE is longer).
STEP_TEXT = 160


class MigrationSteps:
    """Report each statement of the migrations of an upgrade, with the
    migration it belongs to, to ``progress``: a cursor event on the
    migration's connection, and alembic's ``on_version_apply`` (which
    ``env.py`` passes on) to move to the next migration."""

    def __init__(self, connection, config, revision, progress):
        self.connection, self.progress = connection, progress
        self.version_table = config.attributes['table_prefix'] + \
            'alembic_version'
        self.plan = pending_migrations(
            connection, config.attributes['table_prefix'], revision)
        self.index = 0
        config.attributes['on_version_apply'] = self.applied

    def __enter__(self):
        sa.event.listen(self.connection, 'before_cursor_execute',
                        self.statement)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.connection, 'before_cursor_execute',
                        self.statement)
        self.progress(None)

    def applied(self, *args, **kwargs):
        self.index += 1

    def statement(self, conn, cursor, statement, *args):
        text = ' '.join(statement.split())
        if not text.upper().startswith(_STEP_VERBS) or \
                self.version_table in text:
            return
        if self.index < len(self.plan):
            where = '%s (%d of %d)' % (self.plan[self.index],
                                       self.index + 1, len(self.plan))
        else:
            where = 'migration'
        self.progress('%s: %s' % (where, text if len(text) <= STEP_TEXT
                                  else text[:STEP_TEXT - 3] + '...'))


def estimate_rows(engine, prefix=DEFAULT_PREFIX):
    """About how many rows the event table has (the statistics of
    PostgreSQL and MariaDB, an exact count on SQLite); None when the
    table does not exist or has never been analysed."""
    name = table_name(prefix)
    dialect = engine.dialect.name
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(name):
            return None
        if dialect == 'postgresql':
            # (a table partitioned by day has no statistics of its own:
            # its partitions' sum, those analysed)
            rows = conn.execute(sa.text(
                "SELECT CASE WHEN c.relkind = 'p' THEN (SELECT "
                'sum(CASE WHEN p.reltuples >= 0 THEN p.reltuples END) '
                'FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid '
                'WHERE i.inhparent = c.oid) ELSE c.reltuples END '
                'FROM pg_class c WHERE c.oid = to_regclass(:name)'),
                {'name': name}).scalar()
        elif dialect in ('mysql', 'mariadb'):
            rows = conn.execute(sa.text(
                'SELECT table_rows FROM information_schema.tables WHERE '
                'table_schema = DATABASE() AND table_name = :name'),
                {'name': name}).scalar()
        else:
            rows = conn.execute(sa.select(sa.func.count()).select_from(
                get_table(prefix))).scalar()
    return None if rows is None or rows < 0 else int(rows)


def downgrade(engine, prefix=DEFAULT_PREFIX, revision='base'):
    from alembic import command
    with engine.connect() as connection:
        with migration_lock(connection, prefix):
            command.downgrade(alembic_config(connection, prefix), revision)
    return current_revision(engine, prefix)


def current_revision(engine_or_connection, prefix=DEFAULT_PREFIX):
    """The revision the database is at, or None for an empty database
    (on a connection of its own from an engine, or on the connection
    given: a migration's, inside its lock)."""
    from alembic.runtime.migration import MigrationContext
    if isinstance(engine_or_connection, sa.engine.Engine):
        opened = engine_or_connection.connect()
    else:
        opened = contextlib.nullcontext(engine_or_connection)
    with opened as connection:
        context = MigrationContext.configure(
            connection, opts={'version_table': version_table(prefix)})
        return context.get_current_revision()


def head_revision():
    from alembic.script import ScriptDirectory
    config = alembic_config(None)
    return ScriptDirectory.from_config(config).get_current_head()


def drop_all(engine, prefix=DEFAULT_PREFIX):
    """Drop the Senlin view, the event table and the version table
    (tests, uninstall)."""
    with engine.begin() as connection:
        connection.execute(sa.text('DROP VIEW IF EXISTS %s' % (
            connection.dialect.identifier_preparer.quote(
                senlin_view_name(prefix)))))
        for name in (table_name(prefix), version_table(prefix)):
            connection.execute(sa.text('DROP TABLE IF EXISTS %s' % (
                connection.dialect.identifier_preparer.quote(name))))


# bulk writes

#: sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER (bound values in one statement:
#: 32766 since SQLite 3.32 unless built otherwise, 999 before).
SQLITE_LIMIT_VARIABLE_NUMBER = 9

#: Rows in one SQLite INSERT at most (fewer when the limit above says so).
SQLITE_STATEMENT_ROWS = 1000

_COPY_ESCAPES = str.maketrans({'\\': '\\\\', '\n': '\\n', '\r': '\\r',
                               '\t': '\\t'})
_COPY_NULL = '\\N'


def _copy_field(value):
    """One field of PostgreSQL's COPY text format."""
    if value is None:
        return _COPY_NULL
    if value.__class__ is not str:
        if value.__class__ is datetime.datetime:
            return value.isoformat(' ', 'microseconds')
        value = str(value)
    if '\\' in value or '\n' in value or '\r' in value or '\t' in value:
        return value.translate(_COPY_ESCAPES)
    return value


def copy_text(rows):
    """Rows (value lists or tuples) in PostgreSQL's COPY text format.

    The common row (only text, NULLs and the level rank, nothing to
    escape) is one join and a few C-level counts; any other row is
    written field by field.
    """
    lines = []
    append = lines.append
    tabs = len(COLUMNS) - 1
    rank = COLUMNS.index('level_rank')
    for row in rows:
        nulls = row.count(None)
        fields = list(row)
        if nulls:
            fields = [_COPY_NULL if v is None else v for v in fields]
        fields[rank] = str(fields[rank])
        try:
            line = '\t'.join(fields)
        except TypeError:   # a value that is not text
            line = None
        if line is None or line.count('\t') != tabs or \
                line.count('\\') != nulls or '\n' in line or '\r' in line:
            line = '\t'.join(map(_copy_field, row))
        append(line)
    append('')
    return '\n'.join(lines)


#: MySQL string literal escapes, as PyMySQL's ``escape_string`` writes
#: them (with the server's default sql_mode), the backslash first.
_MYSQL_ESCAPES = (('\\', '\\\\'), ("'", "\\'"), ('"', '\\"'),
                  ('\n', '\\n'), ('\r', '\\r'), ('\0', '\\0'),
                  ('\x1a', '\\Z'))


def mysql_escape(text):
    """``text`` escaped for a MySQL string literal: up to seven C-speed
    scans (PyMySQL's ``translate`` looks every character up in Python
    objects, several times slower on a payload's JSON)."""
    for char, escaped in _MYSQL_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def mysql_values(rows, literal):
    """Each row (value list) as the UTF-8 text of a MySQL ``(v, ...)``
    tuple.  Text, NULLs and integers (all an event row holds) are written
    here, in a fraction of the time of PyMySQL's own escaping, which
    looks every character up in Python (figures in
    ``benchmarks/README.rst``); any other value goes through ``literal``
    (the connection's ``escape``).
    """
    escape = mysql_escape
    out = []
    append = out.append
    for row in rows:
        fields = []
        add = fields.append
        for value in row:
            kind = type(value)
            if kind is str:
                add("'%s'" % escape(value))
            elif value is None:
                add('NULL')
            elif kind is int:
                add(str(value))
            else:
                add(literal(value))
        append(('(%s)' % ','.join(fields)).encode('utf-8'))
    return out


class BulkInsert:
    """Write a batch of rows in one statement, at driver speed.

    A row is a list of values in :data:`COLUMNS` order, the timestamp as
    naive UTC text (``2016-11-04 16:31:36.264673``, the form SQLAlchemy
    stores in SQLite and that PostgreSQL and MariaDB read as a
    timestamp).  SQLAlchemy's generic executemany processes every
    parameter in Python; for the three databases tidings is tested on, the
    batch goes straight to the driver instead: SQLite ``executemany`` on
    one prepared statement, PostgreSQL (psycopg2) ``COPY ... FROM STDIN``
    (more rows/s than a multi-row INSERT for less client CPU: no
    statement to build or parse; figures in ``benchmarks/README.rst``),
    multi-row INSERTs on PyMySQL (the statements its executemany
    would send, with the values written by :func:`mysql_values`).  Any
    other dialect uses SQLAlchemy Core.  Either way, one
    statement and one transaction per batch.
    """

    def __init__(self, table, dialect):
        self.table = table
        self.columns = [c.name for c in table.columns]
        if tuple(self.columns) != COLUMNS:
            raise ValueError('%s columns %s differ from COLUMNS' % (
                table.name, self.columns))
        quote = dialect.identifier_preparer.quote
        names = ', '.join(quote(c) for c in self.columns)
        self.kind = 'core'
        #: True when a batch is written atomically without the DB-API
        #: transaction (one statement, or its own BEGIN/COMMIT): the
        #: writer's connection then runs in autocommit, saving a BEGIN
        #: and a COMMIT round trip per batch.
        self.autocommit = False
        driver = dialect.driver
        if dialect.name == 'sqlite' and driver == 'pysqlite':
            self.kind = 'sqlite'
            self.sql = 'INSERT INTO %s (%s) VALUES ' % (
                quote(table.name), names)
            self._sqlite = {}
            self._sqlite_rows = None
            self.autocommit = True
        elif dialect.name == 'postgresql' and driver == 'psycopg2':
            self.kind = 'copy'
            self.autocommit = True
            self.sql = 'COPY %s (%s) FROM STDIN' % (quote(table.name), names)
        elif dialect.name in ('mysql', 'mariadb') and driver == 'pymysql':
            self.kind = 'pymysql'
            self.sql = 'INSERT INTO %s (%s) VALUES (%s)' % (
                quote(table.name), names,
                ', '.join(['%s'] * len(self.columns)))
            self._mysql_head = ('INSERT INTO %s (%s) VALUES ' % (
                quote(table.name), names)).encode('utf-8')
        self._insert = table.insert()

    def __call__(self, connection, rows):
        """Insert ``rows`` on ``connection`` (inside its transaction)."""
        if self.kind == 'core':
            connection.execute(self._insert, [as_dict(r) for r in rows])
            return
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            if self.kind == 'sqlite':
                self._sqlite_insert(cursor, rows)
            elif self.kind == 'copy':
                text = copy_text(rows)
                # One read and one send: the driver lets other threads
                # run while it sends, and takes the interpreter back
                # after each chunk, which costs a busy caller's thread a
                # switch every time.
                cursor.copy_expert(self.sql, io.StringIO(text),
                                   size=len(text) + 1)
            else:
                self._pymysql_insert(cursor, rows)
        except connection.dialect.loaded_dbapi.Error as exc:
            # The same exception classes SQLAlchemy raises elsewhere.
            raise sa.exc.DBAPIError.instance(
                self.sql, None, exc, connection.dialect.loaded_dbapi.Error,
                connection_invalidated=connection.dialect.is_disconnect(
                    exc, connection.connection.dbapi_connection, cursor),
                dialect=connection.dialect) from exc
        finally:
            cursor.close()

    def _pymysql_insert(self, cursor, rows):
        """Multi-row INSERTs of at most the cursor's ``max_stmt_length``
        bytes, as PyMySQL's executemany splits them, with the values
        written by :func:`mysql_values`.  A server in NO_BACKSLASH_ESCAPES
        mode quotes strings otherwise: executemany does it then."""
        dbapi = cursor.connection
        from pymysql.constants import SERVER_STATUS
        if dbapi.server_status & \
                SERVER_STATUS.SERVER_STATUS_NO_BACKSLASH_ESCAPES:
            cursor.executemany(self.sql, rows)
            return
        head = self._mysql_head
        limit = cursor.max_stmt_length
        chunk, size = [], len(head)
        for values in mysql_values(rows, dbapi.escape):
            if chunk and size + len(values) + 1 > limit:
                cursor.execute(head + b','.join(chunk))
                chunk, size = [], len(head)
            chunk.append(values)
            size += len(values) + 1
        if chunk:
            cursor.execute(head + b','.join(chunk))

    def _sqlite_insert(self, cursor, rows):
        """As few multi-row INSERTs as SQLite's limit on bound values
        allows: one for a batch of up to :data:`SQLITE_STATEMENT_ROWS`
        rows (or 1560, with the default limit of 32766 bound values).

        The sqlite3 module lets other threads run during every statement
        step and then waits for the interpreter again -- behind a busy
        caller, up to a switch interval (5 ms) each time -- so one
        statement per row would cap the writer at a few hundred rows/s
        while callers emit.  On an autocommit connection a single
        statement is its own transaction; several get BEGIN/COMMIT.
        """
        dbapi = cursor.connection
        per = self._sqlite_rows
        if per is None:
            try:
                limit = dbapi.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER)
            except Exception:
                limit = 999     # the limit of SQLite before 3.32
            per = self._sqlite_rows = max(1, min(
                SQLITE_STATEMENT_ROWS, limit // len(self.columns)))
        explicit = (len(rows) > per and dbapi.isolation_level is None and
                    not dbapi.in_transaction)
        if explicit:
            cursor.execute('BEGIN')
        try:
            for start in range(0, len(rows), per):
                chunk = rows[start:start + per]
                cursor.execute(self._sqlite_sql(len(chunk)), list(
                    itertools.chain.from_iterable(chunk)))
        except BaseException:
            if explicit and dbapi.in_transaction:
                dbapi.rollback()
            raise
        if explicit:
            cursor.execute('COMMIT')

    def _sqlite_sql(self, size):
        sql = self._sqlite.get(size)
        if sql is None:
            if len(self._sqlite) >= 16:
                self._sqlite.clear()
            one = '(%s)' % ', '.join('?' * len(self.columns))
            sql = self._sqlite[size] = self.sql + ', '.join([one] * size)
        return sql


def as_dict(row):
    """A row (values in :data:`COLUMNS` order) as a dict of column
    values, the timestamp a naive datetime (what SQLAlchemy Core takes).
    """
    out = dict(zip(COLUMNS, row, strict=True))
    moment = out['timestamp']
    if isinstance(moment, str):
        out['timestamp'] = datetime.datetime.fromisoformat(moment)
    return out
