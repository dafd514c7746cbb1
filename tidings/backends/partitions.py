"""Day partitions of the event table on PostgreSQL and MariaDB/MySQL
(``[backend_database] partition_by = day``).

A purge of a whole day is then a partition dropped (a catalog change,
milliseconds) instead of rows deleted one by one through every index:
on MariaDB with the default 128 MB buffer pool a deleted row cost about
1 ms of random index reads and the writers' lag rose meanwhile.  Only
the boundary day, the partition that holds the cutoff, is still deleted
in the paced chunks of :func:`tidings.backends.eventstore.delete_chunked`.

Layout (migration 0001 creates the table partitioned when asked; the
day partitions are added by :func:`upkeep`):

* PostgreSQL: ``PARTITION BY RANGE ("timestamp")``, one partition
  ``<table>_pYYYYMMDD`` a day, ``FOR VALUES FROM (day) TO (next day)``,
  and ``<table>_pdefault``, the DEFAULT partition, which keeps a row of
  a day that has no partition (far past or future): no write is lost
  and no batch fails.  A day partition created later takes the rows of
  its day out of the default partition first, in the same transaction.
* MariaDB/MySQL: ``PARTITION BY RANGE COLUMNS(`timestamp`)``, one
  partition ``pYYYYMMDD`` a day (``VALUES LESS THAN`` the next day) and
  ``pmax`` (``LESS THAN (MAXVALUE)``) for the future; the first day
  partition also holds everything older.  New days are split off
  ``pmax`` (``REORGANIZE PARTITION``, which moves the few rows of those
  days it may hold).

Both need the partition column in every unique key: the primary key of
the partitioned table is ``(id, timestamp)`` instead of ``(id)``.  An id
lookup (a marker, ``get``) then probes each partition's key.  SQLite
has no partitions: the option is refused there.
"""

import contextlib
import datetime
import logging
import re

import sqlalchemy as sa

from tidings.objects import errors

LOG = logging.getLogger(__name__)

#: Values of ``[backend_database] partition_by``.
MODES = ('none', 'day')
#: Dialects that have partitions.
DIALECTS = ('postgresql', 'mysql', 'mariadb')
#: Days after today that have a partition ahead of time (the default of
#: ``[backend_database] partition_days_ahead``).
DAYS_AHEAD = 7
#: Seconds a partition change waits for the table's lock before it gives
#: up until the next pass: a change waiting behind a long listing would
#: hold every writer queued behind it.
LOCK_TIMEOUT = 2
#: Name of PostgreSQL's default partition (after the table name) and of
#: MariaDB's MAXVALUE partition.
PG_DEFAULT = '_pdefault'
MAX_PARTITION = 'pmax'

_DAY = re.compile(r'p(\d{8})$')
ONE_DAY = datetime.timedelta(days=1)


def mode_errors(mode, dialect, group='backend_database',
                option='partition_by'):
    """ConfigErrors of ``partition_by = mode`` on ``dialect`` (empty when
    it can be used)."""
    if mode not in MODES:
        return [errors.ConfigError(group, option, mode, 'expected one of: '
                                   + ', '.join(MODES))]
    if mode == 'day' and dialect not in DIALECTS:
        return [errors.ConfigError(
            group, option, mode, 'partitions need PostgreSQL or '
            'MariaDB/MySQL; the connection is %s: use partition_by = none '
            '(retention then deletes rows in chunks)' % dialect)]
    return []


def check_mode(mode, dialect):
    problems = mode_errors(mode, dialect)
    if problems:
        raise errors.ConfigErrors(problems)
    return mode == 'day'


def day_name(day):
    """The partition name suffix of ``day`` (a date): ``p20261204``."""
    return 'p' + day.strftime('%Y%m%d')


def partition_name(dialect, table, day):
    """The name of ``day``'s partition of ``table``: a table of its own
    on PostgreSQL (``<table>_p20261204``), a partition of the table on
    MariaDB (``p20261204``)."""
    return ('%s_%s' % (table, day_name(day)) if dialect == 'postgresql'
            else day_name(day))


def _quote(conn, name):
    return conn.dialect.identifier_preparer.quote(name)


def _literal(day):
    return "'%s'" % day.isoformat()


def is_partitioned(conn, table):
    """True when ``table`` exists and is partitioned."""
    dialect = conn.dialect.name
    if dialect == 'postgresql':
        return bool(conn.execute(sa.text(
            'SELECT 1 FROM pg_partitioned_table WHERE partrelid = '
            'to_regclass(:t)'), {'t': table}).scalar())
    if dialect in ('mysql', 'mariadb'):
        return bool(conn.execute(sa.text(
            'SELECT 1 FROM information_schema.partitions WHERE '
            'table_schema = DATABASE() AND table_name = :t AND '
            'partition_name IS NOT NULL LIMIT 1'), {'t': table}).scalar())
    return False


def partitions(conn, table):
    """``{day: partition name}`` of the day partitions of ``table``
    (the default / MAXVALUE partition is not a day)."""
    dialect = conn.dialect.name
    if dialect == 'postgresql':
        names = conn.execute(sa.text(
            'SELECT c.relname FROM pg_inherits i JOIN pg_class c ON '
            'c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)'),
            {'t': table}).scalars().all()
    elif dialect in ('mysql', 'mariadb'):
        names = conn.execute(sa.text(
            'SELECT partition_name FROM information_schema.partitions '
            'WHERE table_schema = DATABASE() AND table_name = :t AND '
            'partition_name IS NOT NULL'), {'t': table}).scalars().all()
    else:
        return {}
    out = {}
    for name in names:
        match = _DAY.search(name)
        if match:
            out[datetime.datetime.strptime(match.group(1),
                                           '%Y%m%d').date()] = name
    return out


@contextlib.contextmanager
def _lock_timeout(conn):
    """Bound the waits of a partition change on ``conn`` (PostgreSQL: its
    transaction; MariaDB: the session, restored after, as the connection
    goes back to the pool)."""
    if conn.dialect.name == 'postgresql':
        conn.exec_driver_sql("SET LOCAL lock_timeout = '%ds'" % LOCK_TIMEOUT)
        yield
        return
    conn.exec_driver_sql('SET SESSION lock_wait_timeout = %d' % LOCK_TIMEOUT)
    try:
        yield
    finally:
        conn.exec_driver_sql('SET SESSION lock_wait_timeout = DEFAULT')


def create_statements(dialect, table, days, existing=()):
    """The statements that add a partition for each of ``days`` (dates)
    not in ``existing`` (the days that have one).

    PostgreSQL, per day: the day's rows leave the default partition for
    a temporary table, the partition is created (PostgreSQL refuses it
    while the default partition holds rows of its range) and the rows go
    back through the parent, into it: one transaction, so no writer sees
    them missing.  MariaDB: one ``REORGANIZE PARTITION`` of ``pmax`` into
    the new days after the last existing one and ``pmax`` again (a
    RANGE's partitions only grow at the end: a missing day before the
    last one is left to the partition after it).
    """
    days = sorted(set(days) - set(existing))
    if dialect == 'postgresql':
        out = []
        parent = '"%s"' % table
        default = '"%s%s"' % (table, PG_DEFAULT)
        for day in days:
            span = ('"timestamp" >= %s AND "timestamp" < %s' % (
                _literal(day), _literal(day + ONE_DAY)))
            out.extend([
                'CREATE TEMPORARY TABLE tidings_moving (LIKE %s) '
                'ON COMMIT DROP' % parent,
                'WITH moved AS (DELETE FROM %s WHERE %s RETURNING *) '
                'INSERT INTO tidings_moving SELECT * FROM moved' % (
                    default, span),
                'CREATE TABLE "%s" PARTITION OF %s FOR VALUES FROM (%s) '
                'TO (%s)' % (partition_name(dialect, table, day), parent,
                             _literal(day), _literal(day + ONE_DAY)),
                'INSERT INTO %s SELECT * FROM tidings_moving' % parent,
                'DROP TABLE tidings_moving',
            ])
        return out
    if existing:
        days = [d for d in days if d > max(existing)]
    if not days:
        return []
    parts = ['PARTITION %s VALUES LESS THAN (%s)' % (
        day_name(d), _literal(d + ONE_DAY)) for d in days]
    parts.append('PARTITION %s VALUES LESS THAN (MAXVALUE)' % MAX_PARTITION)
    return ['ALTER TABLE `%s` REORGANIZE PARTITION %s INTO (%s)' % (
        table, MAX_PARTITION, ', '.join(parts))]


def partition_clause(dialect, table):
    """What migration 0001 adds to make the table partitioned: the
    keyword arguments of its ``create_table`` and the statements run
    after it (the default / MAXVALUE partition)."""
    if dialect == 'postgresql':
        return ({'postgresql_partition_by': 'RANGE ("timestamp")'},
                ['CREATE TABLE "%s%s" PARTITION OF "%s" DEFAULT' % (
                    table, PG_DEFAULT, table)])
    return {}, ['ALTER TABLE `%s` PARTITION BY RANGE COLUMNS(`timestamp`) '
                '(PARTITION %s VALUES LESS THAN (MAXVALUE))' % (
                    table, MAX_PARTITION)]


def upkeep(engine, table, days_ahead=DAYS_AHEAD, today=None):
    """Create the partitions of today and the next ``days_ahead`` days
    that are missing; returns the days created.  Nothing on a table that
    is not partitioned.  A change that cannot get its lock within
    :data:`LOCK_TIMEOUT` is given up until the next pass (its days were
    made ahead of time)."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    return add_days(engine, table, [today + ONE_DAY * i
                                    for i in range(days_ahead + 1)])


def add_days(engine, table, days):
    """Create the partitions of ``days`` (dates) that are missing, one
    transaction a day on PostgreSQL; returns the days created."""
    with engine.connect() as conn:
        if not is_partitioned(conn, table):
            return []
        existing = partitions(conn, table)
    dialect = engine.dialect.name
    created = []
    if dialect == 'postgresql':
        for day in sorted(set(days) - set(existing)):
            with engine.begin() as conn, _lock_timeout(conn):
                for sql in create_statements(dialect, table, [day]):
                    conn.exec_driver_sql(sql)
            created.append(day)
        return created
    statements = create_statements(dialect, table, days, existing)
    if statements:
        with engine.connect() as conn, _lock_timeout(conn):
            for sql in statements:
                conn.exec_driver_sql(sql)
        created = [d for d in days if not existing or d > max(existing)]
    return sorted(set(created))


def droppable(conn, table, cutoff):
    """``[(day, partition name)]`` of the day partitions of ``table``
    whose every row is older than ``cutoff`` (a naive UTC datetime),
    oldest first."""
    return [(day, name) for day, name in sorted(
        partitions(conn, table).items())
        if datetime.datetime.combine(day + ONE_DAY,
                                     datetime.time()) <= cutoff]


def count_partition(conn, table, name):
    if conn.dialect.name == 'postgresql':
        return conn.execute(sa.text('SELECT count(*) FROM %s' % _quote(
            conn, name))).scalar_one()
    return conn.execute(sa.text('SELECT count(*) FROM %s PARTITION (%s)' % (
        _quote(conn, table), name))).scalar_one()


#: Tries of each partition's drop when its lock is not free in time.
DROP_ATTEMPTS = 3


def lock_timed_out(exc):
    """``exc`` (an OperationalError) is a lock wait that timed out
    (PostgreSQL's lock_timeout, SQLSTATE 55P03; MariaDB's 1205 or a
    metadata lock's wait)."""
    orig = getattr(exc, 'orig', exc)
    if getattr(orig, 'pgcode', None) == '55P03':
        return True
    args = getattr(orig, 'args', ())
    return bool(args) and args[0] in (1205,)


def drop_statement(dialect, table, name):
    if dialect == 'postgresql':
        return 'DROP TABLE "%s"' % name
    return 'ALTER TABLE `%s` DROP PARTITION %s' % (table, name)


def drop_older(engine, table, cutoff, progress=None, stop=None):
    """Drop the day partitions of ``table`` older than ``cutoff``, one
    at a time, oldest first; returns how many rows they held.

    :param progress: called with the rows dropped so far after each.
    :param stop: called before each; true stops there.
    """
    with engine.connect() as conn:
        if not is_partitioned(conn, table):
            return 0
        old = droppable(conn, table, cutoff)
    dropped = 0
    for _, name in old:
        if stop is not None and stop():
            break
        for attempt in range(DROP_ATTEMPTS):
            try:
                with engine.begin() as conn, _lock_timeout(conn):
                    rows = count_partition(conn, table, name)
                    conn.exec_driver_sql(drop_statement(
                        engine.dialect.name, table, name))
                break
            except sa.exc.OperationalError as exc:
                # a long transaction on the table: wait, try again
                if not lock_timed_out(exc) or attempt + 1 == DROP_ATTEMPTS:
                    raise
                LOG.warning('partition %s of %s: its lock was not free '
                            'within %d s (a long transaction on the '
                            'table); trying again', name, table,
                            LOCK_TIMEOUT)
                if stop is not None and stop():
                    return dropped
        dropped += rows
        if progress is not None:
            progress(dropped)
    return dropped


def plan(engine, table, cutoff):
    """``[(partition name, rows)]`` a purge to ``cutoff`` would drop
    whole (``tidings events purge --dry-run``)."""
    with engine.connect() as conn:
        if not is_partitioned(conn, table):
            return []
        return [(name, count_partition(conn, table, name))
                for _, name in droppable(conn, table, cutoff)]


def is_empty(conn, table):
    return conn.execute(sa.text('SELECT 1 FROM %s LIMIT 1' % _quote(
        conn, table))).first() is None


CONVERT_HELP = (
    'the event table %s holds events and is not partitioned; tidings does '
    'not convert it in place (a copy of every row that would block the '
    'writers): follow "Converting an existing event table" in the operator '
    'guide (rename the table, "tidings db upgrade --partition-by day" '
    'creates the partitioned one, copy the days to keep), or keep '
    'partition_by = none')
