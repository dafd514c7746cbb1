"""Read and prune the event table the database backend writes.

::

    store = EventStore('postgresql+psycopg2://tidings@db/tidings')
    page = store.list({'level': 'warn', 'event_type': 'cluster.*'},
                      project=context.project_id, limit=50)
    more = store.list({'level': 'warn', 'event_type': 'cluster.*'},
                      project=context.project_id, limit=50,
                      marker=page[-1]['id'])
    store.purge('30d')

Project scope, the one rule that protects tenants: every read names
either ``project`` (the caller sees only that project's events; events
without a project are never shown to it) or ``all_projects=True`` (the
admin view; a ``project`` filter is then allowed).  Neither is a
:class:`~tidings.errors.FilterError`, and so is both: the API never
guesses.
"""

import datetime
import json
import re
import sqlite3
import time

import sqlalchemy as sa

from tidings.backends import dbschema
from tidings.backends import partitions
from tidings.objects import errors
from tidings.objects import urls
from tidings.objects import fields

DEFAULT_LIMIT = 100
MAX_LIMIT = 10000
#: Most rows of one purge chunk (PostgreSQL's grew to 4,900 rows and a
#: 266 ms DELETE in a loaded moment; 2,000 caps such a moment).
PURGE_CHUNK = 2000

_DURATION = re.compile(r'^\s*(\d+)\s*([smhdw]?)\s*$')
_UNITS = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
DURATION_HELP = ('a duration: a number with a unit s, m, h, d or w '
                 '(30d, 12h, 90m, 3600s, 2w)')

#: filter name -> column, for the filters that match a column exactly
#: (a value may be a list: any of them).
EXACT_FILTERS = {
    'object_type': 'object_type',
    'object_id': 'object_id',
    'object_name': 'object_name',
    'parent_id': 'parent_id',
    'cluster_id': 'parent_id',
    'action': 'action',
    'phase': 'phase',
    'request_id': 'request_id',
    'status': 'status',
    'source': 'source',
    'publisher_id': 'publisher_id',
    'user': 'user',
    'project': 'project',
}
FILTERS = tuple(sorted(set(EXACT_FILTERS) | {'level', 'event_type',
                                             'since', 'until'}))
SORT_KEYS = {'timestamp': 'timestamp', 'level': 'level_rank',
             'event_type': 'event_type', 'id': 'id'}
DEFAULT_SORT = 'timestamp:desc'

#: Columns of a listed event, in order (``level_rank`` is internal).
OUTPUT_COLUMNS = ('id', 'timestamp', 'level', 'event_type', 'publisher_id',
                  'source', 'object_type', 'object_id', 'object_name',
                  'parent_id', 'action', 'phase', 'project', 'user',
                  'request_id', 'status', 'reason', 'payload_name',
                  'payload_version', 'payload')


def parse_duration(value, name='duration'):
    """Seconds in ``value`` (``'30d'``, ``'12h'``, ``'90m'``, ``3600``,
    a timedelta); a FilterError naming ``name`` otherwise."""
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value
    else:
        match = _DURATION.match(value) if isinstance(value, str) else None
        if not match:
            raise errors.FilterError(name, value, 'not ' + DURATION_HELP)
        seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise errors.FilterError(name, value, 'must be positive; expected '
                                 + DURATION_HELP)
    return float(seconds)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse_moment(value, name):
    """A naive UTC datetime from a datetime, an ISO 8601 string, or a
    duration meaning that long ago (``'2h'``)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and _DURATION.match(value):
        return utcnow() - datetime.timedelta(
            seconds=parse_duration(value, name))
    else:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise errors.FilterError(
                name, value, 'not a time; expected an ISO 8601 time '
                '(2026-01-31T12:00:00Z, 2026-01-31) or ' + DURATION_HELP
                + ' meaning that long ago') from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(
            tzinfo=None)
    return moment


def parse_sort(sort):
    """``'timestamp:desc,level'`` -> ``[('timestamp', 'desc'), ...]``."""
    if sort is None:
        sort = DEFAULT_SORT
    items = sort.split(',') if isinstance(sort, str) else list(sort)
    accepted = ('KEY[:asc|desc] separated by commas; keys: '
                + ', '.join(SORT_KEYS))
    out = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            key, direction = item
        elif isinstance(item, str):
            key, _, direction = item.strip().partition(':')
            direction = direction or 'asc'
        else:
            raise errors.FilterError('sort', item, accepted)
        if key not in SORT_KEYS or direction not in ('asc', 'desc'):
            raise errors.FilterError('sort', item, accepted)
        if key in (k for k, _ in out):
            raise errors.FilterError('sort', sort, 'key %r given twice' % key)
        out.append((key, direction))
    if not out:
        raise errors.FilterError('sort', sort, accepted)
    if out[-1][0] != 'id':
        out.append(('id', out[-1][1]))
    return out


def check_scope(project, all_projects):
    if all_projects and project is not None:
        raise errors.FilterError(
            'project', project, 'give either project (the caller\'s '
            'project) or all_projects=True (admin), not both; an admin '
            'narrows to one project with the "project" filter')
    if not all_projects and project is None:
        raise errors.FilterError(
            'project', None, 'a project or all_projects=True is required '
            '(all_projects is for admin callers only)')
    if project is not None and not isinstance(project, str):
        raise errors.FilterError('project', project, 'not a string')


def _values(name, value):
    values = list(value) if isinstance(value, (list, tuple, set,
                                               frozenset)) else [value]
    if not values:
        raise errors.FilterError(name, value, 'an empty list matches '
                                 'nothing; give a string or a list of them')
    for item in values:
        if not isinstance(item, str) or not item:
            raise errors.FilterError(name, value, 'expected a non-empty '
                                     'string or a list of them')
    return values


def build_conditions(table, filters, project=None, all_projects=False):
    """The WHERE conditions of a query; FilterError on bad input."""
    check_scope(project, all_projects)
    conditions = []
    if project is not None:
        conditions.append(table.c.project == project)
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise errors.FilterError('filters', filters, 'expected a dict of '
                                 'filter name -> value; names: '
                                 + ', '.join(FILTERS))
    if 'project' in filters and not all_projects:
        raise errors.FilterError(
            'project', filters['project'], 'the project filter is for '
            'all_projects=True (admin) queries; a project-bound caller '
            'sees its own project only')
    for name, value in filters.items():
        if value is None:
            continue
        if name == 'level':
            try:
                level = fields.normalize_level(value)
            except ValueError:
                raise errors.FilterError(
                    'level', value, 'not one of %s (events of this level '
                    'and above are listed)' % ', '.join(
                        fields.LEVELS)) from None
            conditions.append(
                table.c.level_rank >= fields.LEVEL_RANK[level])
        elif name == 'event_type':
            alternatives = []
            for item in _values(name, value):
                if item.endswith('*') or item.endswith('.'):
                    prefix = item.rstrip('*')
                    if not prefix:
                        raise errors.FilterError(
                            'event_type', value, 'a prefix needs at least '
                            'one character before "*"')
                    alternatives.append(table.c.event_type.startswith(
                        prefix, autoescape=True))
                else:
                    alternatives.append(table.c.event_type == item)
            conditions.append(sa.or_(*alternatives))
        elif name in ('since', 'until'):
            moment = parse_moment(value, name)
            conditions.append(table.c.timestamp >= moment if name == 'since'
                              else table.c.timestamp < moment)
        elif name in EXACT_FILTERS:
            column = table.c[EXACT_FILTERS[name]]
            values = _values(name, value)
            conditions.append(column == values[0] if len(values) == 1
                              else column.in_(values))
        else:
            raise errors.FilterError('filter', name, 'not a filter; '
                                     'accepted: ' + ', '.join(FILTERS))
    return conditions


#: Filters an index serves as its first columns: an index that ends in
#: ``(timestamp, id)`` (migration 0002), where the listing seeks to the
#: marker and reads matches only, or the request's own index (a
#: request's few events are found, then sorted; migration 0003).
#: ``event_type`` counts when exact (a prefix is a range of types, read
#: newest first through the time index and filtered).  Every other
#: filter narrows rows such a listing reads.
NARROWING_FILTERS = ('project', 'event_type', 'object_id', 'parent_id',
                     'cluster_id', 'request_id')
FAST_HELP = ('across all projects a listing must be narrowed by a filter '
             'an index serves: %s (event_type exact, not a prefix); or '
             'list one project (project=..., --project / --in-project), '
             'where every filter is accepted and reads at most that '
             'project\'s events' % ', '.join(NARROWING_FILTERS))


def _narrowing(name, value):
    if name != 'event_type':
        return name in NARROWING_FILTERS
    values = value if isinstance(value, (list, tuple, set, frozenset)) \
        else [value]
    return not any(isinstance(v, str) and v.endswith(('*', '.'))
                   for v in values)


def check_served(filters, order, project=None, all_projects=False):
    """Refuse a listing no index serves: one across all projects whose
    only narrowing is a filter or sort without an index (``level``,
    ``user``, ``status``, ``sort=level`` ...).  Such a listing reads
    every event until it fills a page: seconds on millions of rows, and
    the whole table when little matches.  A project's listing is bounded
    by the project's events (the ``project, ...`` indexes), so it is
    accepted whatever it filters.  ``since`` / ``until`` are served by
    the time index but do not narrow to a few rows, so they do not make
    another filter fast.
    """
    if project is not None or not all_projects:
        return
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    if any(_narrowing(k, v) for k, v in filters.items()):
        return
    slow = [k for k in sorted(filters) if k not in ('since', 'until')]
    if slow:
        raise errors.FilterError(slow[0], filters[slow[0]],
                                 'no index serves this filter: ' + FAST_HELP)
    if order[0][0] not in ('timestamp', 'id'):
        raise errors.FilterError('sort', ','.join(
            '%s:%s' % item for item in order), 'only timestamp or id order is '
            'served by an index: ' + FAST_HELP)


#: The id filters whose index a listing seeks in first, most selective
#: first (a request has a handful of events, an object tens, a cluster
#: hundreds), and that index's suffix.
_ID_INDEXES = (('request_id', 'request_id'), ('object_id', 'object_id_ts'),
               ('parent_id', 'parent_id_ts'))


def _single(filters, name):
    """The one value of the equality filter ``name``, or None (absent, a
    list of several, or an ``event_type`` prefix)."""
    value = filters.get(name)
    if isinstance(value, (list, tuple, set, frozenset)):
        value = next(iter(value)) if len(value) == 1 else None
    if not isinstance(value, str) or (
            name == 'event_type' and value.endswith(('*', '.'))):
        return None
    return value


def seek_index(filters, order, project=None):
    """The suffix of the index (:data:`dbschema.INDEXES`) a listing in
    ``order`` with these filters seeks in, or None when the filters do
    not decide it (a list of projects or of event types, a prefix, an
    order other than by time).

    The first that applies: an id filter's index (``request_id``,
    ``object_id``, ``parent_id`` / ``cluster_id``: a few rows, found and
    sorted); a project (the caller's, or the admin's ``project`` filter)
    with an exact event type, ``project_type_ts``; a project,
    ``project_ts``; an exact event type, ``type_ts``; nothing that
    narrows, ``timestamp``.  Each of these ends in ``(timestamp, id)``
    after the equality columns, so the marker is a seek in it and page N
    reads what page 1 does.  MariaDB is told to use it
    (:func:`index_hint`).
    """
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    if order[0][0] != 'timestamp' or len({d for _, d in order}) != 1:
        return None
    for name, suffix in _ID_INDEXES:
        if name in filters or (name == 'parent_id' and 'cluster_id' in
                               filters):
            return suffix
    if project is None:
        project = _single(filters, 'project')
        if project is None and 'project' in filters:
            return None
    event_type = _single(filters, 'event_type')
    if event_type is None and 'event_type' in filters:
        return 'project_ts' if project is not None else None
    if project is not None:
        return 'project_type_ts' if event_type else 'project_ts'
    return 'type_ts' if event_type else 'timestamp'


#: Dialects told which index a listing seeks in.
HINT_DIALECTS = ('mysql', 'mariadb')


def index_hint(query, table, suffix):
    """``query`` with ``FORCE INDEX (<the index of suffix>)`` on MariaDB
    and MySQL (others: unchanged).

    MariaDB (10.11) plans a page of a project from the same index two
    ways and picks by its estimates: a ``ref`` on the equality columns
    alone, which reads the project's events newest first and filters out
    every one before the marker (page 100 of the hot project at 1M rows:
    5,000 rows read and 100-400 ms), or a ``range`` on all the index's
    columns, a seek to the marker.  The estimates of the two are close
    for a marker near the newest events, and which wins changes with the
    statistics each ``ANALYZE`` samples (measured: pages 10 to 100 at 1M
    rows flipped between 2 and 266 ms across runs).  A first page may
    also be read from the time index newest first, the other projects'
    events dropped: a project quiet lately then costs every newer event
    (over 20 s at 1.9M rows).  With the index
    forced a table scan is never cheaper, so the range over the index's
    columns is always planned, and MariaDB takes a range that uses more
    of the index than the ref in its place: the seek, whatever the
    statistics.  The index is chosen from the filters
    (:func:`seek_index`), so forcing it cannot pick a worse one.
    """
    if suffix is None:
        return query
    name = 'ix_%s_%s' % (table.name, suffix)
    for dialect in HINT_DIALECTS:
        query = query.with_hint(table, 'FORCE INDEX (%s)' % name, dialect)
    return query


def _check_limit(limit):
    if limit is None:
        return DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int) or \
            not 1 <= limit <= MAX_LIMIT:
        raise errors.FilterError('limit', limit, 'expected an integer from '
                                 '1 to %d' % MAX_LIMIT)
    return limit


#: Dialects whose planner turns a row-value comparison ``(ts, id) < (:ts,
#: :id)`` into an index range after the equality columns of the index.
#: MariaDB (10.11) does not (EXPLAIN: a full index scan), but it plans the
#: expanded ``ts < :ts OR (ts = :ts AND id < :id)`` as a range, so it
#: keeps that form.
ROW_VALUE_DIALECTS = ('postgresql', 'sqlite')


def keyset_after(dialect, columns, directions, values):
    """The condition "after the marker row ``values``" in the order of
    ``columns`` / ``directions``: a keyset page, which seeks to the
    marker in an index ending in those columns instead of reading (and
    filtering out) every row of the pages before it.

    One direction for all columns (the default ``timestamp:desc``, ``id``
    following): a row-value comparison where the dialect plans it as a
    range; otherwise, and for mixed directions, the expanded form
    ``a < A OR (a = A AND b < B) ...``.
    """
    if len(set(directions)) == 1 and dialect in ROW_VALUE_DIALECTS:
        row, marker = sa.tuple_(*columns), sa.tuple_(*(
            sa.literal(v, c.type) for v, c in zip(values, columns,
                                                  strict=True)))
        return row < marker if directions[0] == 'desc' else row > marker
    alternatives = []
    for i, (column, direction) in enumerate(zip(columns, directions,
                                                strict=True)):
        parts = [c == values[j] for j, c in enumerate(columns[:i])]
        parts.append(column < values[i] if direction == 'desc'
                     else column > values[i])
        alternatives.append(sa.and_(*parts))
    return sa.or_(*alternatives)


def explain(conn, query):
    """Plan lines of ``query`` on ``conn``'s database."""
    dialect = conn.dialect.name
    compiled = query.compile(dialect=conn.dialect)
    params = compiled.params
    sql = str(compiled)
    if dialect == 'sqlite':
        rows = conn.exec_driver_sql('EXPLAIN QUERY PLAN ' + sql,
                                    compiled_params(compiled, params))
        return [row[-1] for row in rows]
    rows = conn.exec_driver_sql('EXPLAIN ' + sql,
                                compiled_params(compiled, params))
    if dialect == 'postgresql':
        return [row[0] for row in rows]
    keys = list(rows.keys())
    return [' '.join('%s=%s' % (k, v) for k, v in zip(keys, row,
                                                       strict=True))
            for row in rows]


def compiled_params(compiled, params):
    """DBAPI parameters of a compiled statement, in its paramstyle."""
    if compiled.positiontup is not None:
        return tuple(params[name] for name in compiled.positiontup)
    return params


def row_to_event(row):
    event = {key: row[key] for key in OUTPUT_COLUMNS}
    if event['payload'] is not None:
        try:
            event['payload'] = json.loads(event['payload'])
        except ValueError:
            pass
    return event


class EventStore:
    """Query and purge the event table at ``url``.

    :param url: SQLAlchemy URL (the backend's ``[backend_database]
        connection``); or pass ``engine``.
    :param table_prefix: the backend's ``table_prefix``.
    """

    def __init__(self, url=None, table_prefix=dbschema.DEFAULT_PREFIX,
                 engine=None, connect_timeout=10, option='--db'):
        if engine is None:
            if url is None:
                raise errors.DatabaseError(option, None, 'a database URL '
                                           'is required')
            engine = dbschema.create_engine(url, connect_timeout, option)
            self._owns_engine = True
        else:
            self._owns_engine = False
        self.engine = engine
        self.option = option
        self.prefix = table_prefix
        self.table = dbschema.get_table(table_prefix)

    def _run(self, func):
        try:
            return func()
        except errors.TidingsError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            problem = '%s: %s' % (type(exc).__name__,
                                  str(getattr(exc, 'orig', exc) or exc)
                                  .strip().splitlines()[0])
            if any(m in problem.lower() for m in dbschema.MISSING_TABLE) \
                    and not self._table_exists():
                problem = ('no event table %s (%s); create it with '
                           '"tidings db upgrade --db URL"' % (
                               self.table.name, problem))
            raise errors.DatabaseError(
                self.option, urls.mask_url(self.engine.url),
                problem) from exc

    def _table_exists(self):
        try:
            return sa.inspect(self.engine).has_table(self.table.name)
        except Exception:
            return True  # unreachable: the original problem says it

    def upgrade(self, revision='head', progress=None, cancel=None,
                partition_by='none', days_ahead=partitions.DAYS_AHEAD):
        """Create or upgrade the schema; returns the revision.
        ``progress``, ``cancel``, ``partition_by`` and ``days_ahead``: see
        :func:`dbschema.upgrade`."""
        return self._run(lambda: dbschema.upgrade(
            self.engine, self.prefix, revision, progress=progress,
            cancel=cancel, partition_by=partition_by,
            days_ahead=days_ahead))

    def revision(self):
        """The schema revision of the database (None when empty)."""
        return self._run(lambda: dbschema.current_revision(self.engine,
                                                           self.prefix))

    def pending_migrations(self, revision='head'):
        """The revisions an upgrade to ``revision`` would run, in order."""
        return self._run(lambda: dbschema.pending_migrations(
            self.engine, self.prefix, revision))

    def estimate_rows(self):
        """About how many events the table holds (None: no table, or
        never analysed); :func:`dbschema.estimate_rows`."""
        return self._run(lambda: dbschema.estimate_rows(self.engine,
                                                        self.prefix))

    def list(self, filters=None, sort=None, limit=None, marker=None,
             project=None, all_projects=False):
        """Events matching ``filters``, as dicts (payload decoded).

        :param filters: ``{name: value}``; names are :data:`FILTERS`.
            ``level`` lists that level and above; ``event_type`` is exact,
            or a prefix when it ends in ``*`` or ``.``; ``since`` /
            ``until`` take a datetime, an ISO 8601 string or a duration
            ago (``'2h'``); the others match exactly (a list: any of them).
        :param sort: ``'key:dir,...'`` over timestamp, level, event_type,
            id (default ``timestamp:desc``); ``id`` breaks ties, so pages
            are stable.
        :param limit: 1..MAX_LIMIT events (default 100).
        :param marker: the id of the last event of the previous page.
        :param project: the caller's project: only its events are seen.
        :param all_projects: admin only: every project's events.
        """
        build = self._listing(filters, sort, limit, marker, project,
                              all_projects)

        def run():
            with self.engine.connect() as conn:
                return [row_to_event(r._mapping)
                        for r in conn.execute(build(conn))]
        return self._run(run)

    def explain(self, filters=None, sort=None, limit=None, marker=None,
                project=None, all_projects=False):
        """The database's plan of :meth:`list` with these arguments, as
        lines of text (``EXPLAIN`` / ``EXPLAIN QUERY PLAN``): what the
        query-plan tests check, and what an operator reads when a listing
        is slow."""
        build = self._listing(filters, sort, limit, marker, project,
                              all_projects)

        def run():
            with self.engine.connect() as conn:
                return explain(conn, build(conn))
        return self._run(run)

    def _listing(self, filters, sort, limit, marker, project, all_projects):
        """Check a listing's arguments (FilterError before any database
        work); returns ``build(conn)``, its query (the marker is looked
        up on ``conn``)."""
        table = self.table
        conditions = build_conditions(table, filters, project, all_projects)
        order = parse_sort(sort)
        check_served(filters, order, project, all_projects)
        limit = _check_limit(limit)
        columns = [table.c[SORT_KEYS[k]] for k, _ in order]
        index = seek_index(filters, order, project)

        def build(conn):
            where = list(conditions)
            if marker is not None:
                where.append(self._after(conn, marker, order, columns,
                                         project))
            return index_hint(sa.select(table), table, index).where(
                *where).order_by(*(
                    col.desc() if d == 'desc' else col.asc()
                    for col, (_, d) in zip(columns, order, strict=True)
                )).limit(limit)
        return build

    def _after(self, conn, marker, order, columns, project):
        if not isinstance(marker, str) or not marker:
            raise errors.FilterError('marker', marker, 'expected the id of '
                                     'the last event of the previous page')
        query = sa.select(*columns).where(self.table.c.id == marker)
        if project is not None:
            query = query.where(self.table.c.project == project)
        found = conn.execute(query).first()
        if found is None:
            raise errors.FilterError(
                'marker', marker, 'no such event%s; expected the id of the '
                'last event of the previous page' % (
                    ' in project %s' % project if project else ''))
        return keyset_after(conn.dialect.name, columns,
                            [d for _, d in order], tuple(found))

    def get(self, event_id, project=None, all_projects=False):
        """One event by id, or None (also when it is another project's)."""
        check_scope(project, all_projects)
        query = sa.select(self.table).where(self.table.c.id == event_id)
        if project is not None:
            query = query.where(self.table.c.project == project)

        def run():
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
                return row_to_event(row._mapping) if row else None
        return self._run(run)

    def count(self, filters=None, project=None, all_projects=False):
        conditions = build_conditions(self.table, filters, project,
                                      all_projects)
        query = sa.select(sa.func.count()).select_from(self.table).where(
            *conditions)

        def run():
            with self.engine.connect() as conn:
                return conn.execute(query).scalar_one()
        return self._run(run)

    def purge(self, older_than, project=None, dry_run=False,
              progress=None, stop=None, days_ahead=None):
        """Delete events older than ``older_than`` (a duration such as
        ``'30d'``, seconds, or a timedelta), of one project or all, in
        short chunks that leave the writers room (:func:`delete_chunked`);
        on a table partitioned by day, whole days older than that are
        dropped first (:func:`purge_before`).  Returns how many were
        deleted.

        :param dry_run: delete nothing; return how many would go.
        :param progress: ``progress(done, total)`` after each chunk
            (``total`` is counted first, so only when given).
        :param stop: called between chunks; true stops there.
        :param days_ahead: on a partitioned table, the partitions of today
            and that many days after are made first (default
            :data:`partitions.DAYS_AHEAD`).
        """
        seconds = parse_duration(older_than, 'older_than')
        cutoff = utcnow() - datetime.timedelta(seconds=seconds)
        where = [self.table.c.timestamp < cutoff]
        if project is not None:
            if not isinstance(project, str) or not project:
                raise errors.FilterError('project', project,
                                         'expected a project id')
            where.append(self.table.c.project == project)

        def count():
            with self.engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count()).select_from(
                    self.table).where(*where)).scalar_one()
        if dry_run:
            return self._run(count)
        report = None
        if progress is not None:
            total = self._run(count)
            progress(0, total)

            def report(done):
                progress(done, total)
        self._run(lambda: partitions.upkeep(
            self.engine, self.table.name, partitions.DAYS_AHEAD
            if days_ahead is None else days_ahead))
        if project is not None:
            return self._run(lambda: delete_chunked(
                self.engine, self.table, where, progress=report, stop=stop))
        return self._run(lambda: purge_before(
            self.engine, self.table, cutoff, progress=report, stop=stop))

    def purge_plan(self, older_than):
        """``[(partition, rows)]`` of the whole day partitions a purge
        of events older than ``older_than`` would drop (empty when the
        table is not partitioned)."""
        cutoff = utcnow() - datetime.timedelta(
            seconds=parse_duration(older_than, 'older_than'))
        return self._run(lambda: partitions.plan(
            self.engine, self.table.name, cutoff))

    def purge_advice(self):
        """What to know before a purge (see :func:`purge_advice`), or
        None."""
        return self._run(lambda: purge_advice(self.engine, self.table))

    def trim(self, max_rows_per_project):
        """Keep the newest ``max_rows_per_project`` events of each project
        (events without a project count as one more project)."""
        if isinstance(max_rows_per_project, bool) or not isinstance(
                max_rows_per_project, int) or max_rows_per_project < 1:
            raise errors.FilterError('max_rows_per_project',
                                     max_rows_per_project,
                                     'expected a positive integer')
        return self._run(lambda: trim_projects(
            self.engine, self.table, max_rows_per_project))

    def close(self):
        if self._owns_engine:
            self.engine.dispose()


#: Seconds one purge chunk may hold its locks (the DELETE and its
#: commit): the chunk size follows the measured time per row, so a writer
#: waits at most about this long.  20 ms: two of the backend's 10 ms
#: commit cycles (before: 50 ms, and writers waited up to 142 ms on
#: PostgreSQL at 5M rows; the operator guide has the figures).
PURGE_LOCK_TARGET = 0.02
#: Pause after a chunk, as a multiple of the time it held its locks:
#: the writers get twice as much time as the purge (PostgreSQL at 1M
#: rows: writer lag p99 61 ms against 118 ms with 1.0).
PURGE_PAUSE_RATIO = 2.0
#: MariaDB's: its writers do not wait for a chunk's row locks (a
#: functional test checks it) but share the buffer pool and the disk
#: with it: at 1M rows with the default 128 MB buffer pool a row costs
#: about 1 ms to delete (pages of eight indexes read and dirtied at
#: random places), and a writer slows while a chunk runs.  A pause three
#: times the chunk gives the writers three quarters of the time: in the
#: same run (1,000 events/s) the writer's lag p50 / p99 was 52-61 /
#: 237-250 ms with it against 47-63 / 133-453 ms with no purge, and
#: 87-142 / 336-728 ms with 50 ms chunks and a pause as long (before);
#: the purge deletes about half as many rows a second (230 against
#: 440).
PURGE_MARIADB_PAUSE_RATIO = 3.0
#: Shortest pause after a chunk (seconds): at least one of the backend's
#: 10 ms commit cycles runs between two chunks, however quick they are.
PURGE_MIN_PAUSE = 0.02
#: A chunk grows at most this many times the last one: a chunk timed on
#: cached pages does not jump to a size that then reads from disk.
PURGE_GROWTH = 2.0
#: First chunk (rows), before a time per row is measured.
PURGE_FIRST_CHUNK = 200
PURGE_MIN_CHUNK = 20


#: The share of InnoDB's buffer pool the event table and its indexes may
#: take before a purge reads its pages from disk (the writers' pages need
#: room too).
BUFFER_POOL_SHARE = 0.75


def purge_advice(engine, table):
    """What an operator should know before purging ``table``, or None.

    MariaDB/MySQL: when the table and its indexes do not fit in
    ``BUFFER_POOL_SHARE`` of ``innodb_buffer_pool_size``, each deleted row
    reads its index pages from disk (about 1 ms a row measured at 1M rows
    with the default 128 MB: 230 rows/s, writer lag p99 110 ms, against
    5,400 rows/s and 72 ms with 1 GB).  Other databases: None."""
    if engine.dialect.name not in ('mysql', 'mariadb'):
        return None
    with engine.connect() as conn:
        pool = conn.exec_driver_sql(
            'SELECT @@innodb_buffer_pool_size').scalar()
        size = conn.execute(sa.text(
            'SELECT data_length + index_length FROM information_schema.tables '
            'WHERE table_schema = DATABASE() AND table_name = :name'),
            {'name': table.name}).scalar()
    if not pool or not size or size <= pool * BUFFER_POOL_SHARE:
        return None
    mib = 1024 * 1024
    return ('the event table %s and its indexes (%d MiB) do not fit in '
            'InnoDB\'s buffer pool (innodb_buffer_pool_size = %d MiB): a '
            'purge reads each deleted row\'s index pages from disk (about '
            '1 ms a row), slowly, and the writers wait longer meanwhile; set '
            'innodb_buffer_pool_size to at least %d MiB (the operator guide, '
            '"How a purge leaves the writers alone")' % (
                table.name, size // mib, pool // mib,
                int(size / BUFFER_POOL_SHARE) // mib + 1))


class ChunkPacer:
    """The size of the next purge chunk and the pause after the last.

    ``size`` rows first (:data:`PURGE_FIRST_CHUNK`, at most
    :data:`PURGE_CHUNK`); after each chunk,
    :meth:`measured` takes its rows and the seconds it held its locks
    and returns the pause: :data:`PURGE_PAUSE_RATIO` (MariaDB:
    :data:`PURGE_MARIADB_PAUSE_RATIO`) times that time,
    at least :data:`PURGE_MIN_PAUSE`.  The next size is what would hold
    the locks :data:`PURGE_LOCK_TARGET` at the time per row just
    measured: at once when smaller (a slow chunk is not repeated), at
    most :data:`PURGE_GROWTH` times the last when larger; always within
    :data:`PURGE_MIN_CHUNK` .. :data:`PURGE_CHUNK`.
    """

    def __init__(self, target=None, first=None, minimum=None, maximum=None,
                 pause_ratio=None, min_pause=None, growth=None,
                 dialect=None):
        # Read at call time, so tests and tuning can patch the module's.
        if target is None:
            target = PURGE_LOCK_TARGET
        if pause_ratio is None:
            pause_ratio = (PURGE_MARIADB_PAUSE_RATIO if dialect in (
                'mysql', 'mariadb') else PURGE_PAUSE_RATIO)
        self.target = target
        self.maximum = PURGE_CHUNK if maximum is None else maximum
        self.minimum = min(self.maximum, PURGE_MIN_CHUNK if minimum is None
                           else minimum)
        self.pause_ratio = pause_ratio
        self.min_pause = PURGE_MIN_PAUSE if min_pause is None else min_pause
        self.growth = PURGE_GROWTH if growth is None else growth
        self.size = max(1, min(self.maximum, PURGE_FIRST_CHUNK
                               if first is None else first))

    def _bound(self, rows):
        return max(self.minimum, min(self.maximum, int(rows)))

    def measured(self, rows, held):
        """Record a chunk of ``rows`` that held its locks ``held``
        seconds; returns the seconds to pause before the next."""
        if rows > 0:
            fits = self.target * rows / held if held > 0 else self.maximum
            self.size = self._bound(min(fits, rows * self.growth))
        if self.pause_ratio <= 0:
            return 0.0
        return max(self.min_pause, held * self.pause_ratio)


#: Seconds a purge chunk tries to get SQLite's write lock before it
#: fails (writers busy all that time).
PURGE_LOCK_WAIT = 300.0
#: Seconds between two tries for SQLite's write lock.
PURGE_LOCK_RETRY = 0.002


def lock_for_chunk(conn, sleep=time.sleep):
    """Begin a chunk's transaction on ``conn``; returns when it began
    (``time.monotonic()``), the start of the time it holds locks.

    SQLite: take the file's write lock first (``BEGIN IMMEDIATE``),
    trying again every :data:`PURGE_LOCK_RETRY` seconds for up to
    :data:`PURGE_LOCK_WAIT`.  Its own busy handler sleeps up to 100 ms
    between tries, and a writer committing every 10 ms leaves gaps much
    shorter than that: at 1M rows on a loaded machine a purge waited the
    whole 30 s busy timeout and failed with "database is locked".  Other
    databases lock rows: the transaction begins as usual.
    """
    if conn.dialect.name != 'sqlite':
        conn.begin()
        return time.monotonic()
    dbapi = conn.connection.dbapi_connection
    timeout = conn.exec_driver_sql('PRAGMA busy_timeout').scalar()
    conn.exec_driver_sql('PRAGMA busy_timeout = 0')
    deadline = time.monotonic() + PURGE_LOCK_WAIT
    try:
        while True:
            try:
                dbapi.execute('BEGIN IMMEDIATE')
                return time.monotonic()
            except sqlite3.OperationalError as exc:
                if 'locked' not in str(exc) and 'busy' not in str(exc) \
                        or time.monotonic() > deadline:
                    raise
                sleep(PURGE_LOCK_RETRY)
    finally:
        dbapi.execute('PRAGMA busy_timeout = %d' % int(timeout))


def purge_before(engine, table, cutoff, progress=None, stop=None):
    """Delete every event older than ``cutoff`` (a naive UTC datetime):
    on a table partitioned by day the whole days before it are dropped
    (:func:`partitions.drop_older`), then what is left older than the
    cutoff (the boundary day; on PostgreSQL also the default partition's)
    is deleted in chunks (:func:`delete_chunked`).  Returns how many
    rows went; ``progress`` and ``stop`` as :func:`delete_chunked`'s."""
    dropped = partitions.drop_older(engine, table.name, cutoff,
                                    progress=progress, stop=stop)
    if stop is not None and stop():
        return dropped
    partitioned = dropped > 0 or _partitioned(engine, table)
    report = None if progress is None else (
        lambda done: progress(dropped + done))
    return dropped + delete_chunked(
        engine, table, [table.c.timestamp < cutoff], progress=report,
        stop=stop, bounded=partitioned)


def _partitioned(engine, table):
    if engine.dialect.name not in partitions.DIALECTS:
        return False
    with engine.connect() as conn:
        return partitions.is_partitioned(conn, table.name)


def delete_chunked(engine, table, where, order_by=None, progress=None,
                   stop=None, sleep=time.sleep, bounded=False):
    """Delete the rows matching ``where`` a chunk at a time, oldest
    first, without holding the writer.

    Each chunk's ids are read first (no write lock), then deleted by
    primary key in a short transaction of its own, committed before the
    next: an interrupted purge leaves only whole chunks deleted.  A
    :class:`ChunkPacer` sizes the chunks to hold their locks about
    :data:`PURGE_LOCK_TARGET` and pauses at least as long after each.
    The ids are read after the last chunk's ``(timestamp, id)`` (a
    keyset seek), so a chunk does not read past rows already deleted
    (which PostgreSQL keeps in its indexes until vacuum).

    :param progress: called with the number deleted so far after each
        chunk.
    :param stop: called between chunks; a true answer ends the purge
        there (Ctrl-C in ``tidings events purge``).
    :param bounded: the DELETE also names the chunk's time range, so
        that on a partitioned table it looks the ids up in the
        partitions of that range only, not in every day's primary key.
    """
    del order_by    # always (timestamp, id): the seek needs that order
    columns = [table.c.timestamp, table.c.id]
    deleted, last = 0, None
    pacer = ChunkPacer(dialect=engine.dialect.name)
    while True:
        if stop is not None and stop():
            return deleted
        chunk = pacer.size
        with engine.connect() as conn:
            query = sa.select(_chunk_timestamp(conn.dialect.name, table),
                              table.c.id).where(*where)
            if last is not None:
                query = query.where(keyset_after(
                    conn.dialect.name, columns, ['asc', 'asc'], last))
            rows = conn.execute(query.order_by(*columns).limit(
                chunk)).all()
        if not rows:
            return deleted
        first, last = _chunk_key(rows[0]), _chunk_key(rows[-1])
        with engine.connect() as conn:
            started = lock_for_chunk(conn)
            deleted += _delete_ids(conn, table, rows, (first[0], last[0])
                                   if bounded else None)
            conn.commit()
            held = time.monotonic() - started
            if conn.dialect.name == 'sqlite':
                # Copy the pages this chunk wrote back from the WAL now,
                # without the write lock, so that a writer's commit does
                # not cross the auto-checkpoint threshold and do it.
                conn.exec_driver_sql('PRAGMA wal_checkpoint(PASSIVE)')
                conn.commit()
        if progress is not None:
            progress(deleted)
        if len(rows) < chunk:
            return deleted
        sleep(pacer.measured(len(rows), held))


# A purge chunk's Python work runs on the caller's interpreter (the
# retention thread, a service's own purge): each microsecond a row costs
# there is GIL time the service's callers may wait for.  PyMySQL turns
# each DATETIME into a datetime in Python (about 2.5 us a row of the
# chunk's read), so MariaDB/MySQL send the text, and only the chunk's
# first and last are converted; the DELETE goes to the driver as it is
# (SQLAlchemy's expanded IN costs about 1 us more a row).

def _chunk_timestamp(dialect, table):
    if dialect in ('mysql', 'mariadb'):
        return sa.cast(table.c.timestamp, sa.String).label('timestamp')
    return table.c.timestamp


def _chunk_key(row):
    """A chunk row's ``(timestamp, id)``, the timestamp a datetime."""
    timestamp = row.timestamp
    if isinstance(timestamp, str):      # (see _chunk_timestamp)
        timestamp = datetime.datetime.fromisoformat(timestamp)
    return timestamp, row.id


def _delete_ids(conn, table, rows, between):
    """Delete the chunk's ``rows`` by primary key; returns how many went.
    ``between``: the chunk's first and last timestamps (on a partitioned
    table, so that only their days' partitions are looked in), or None.
    Straight to the driver where its placeholders are ``%s`` (PyMySQL,
    psycopg2); SQLite keeps SQLAlchemy's statement (its own work
    dominates there, and the plain one measured slower).
    """
    ids = [row.id for row in rows]
    dialect = conn.dialect
    if dialect.paramstyle not in ('format', 'pyformat'):
        where = [table.c.id.in_(ids)]
        if between is not None:
            where.append(table.c.timestamp.between(*between))
        return conn.execute(sa.delete(table).where(*where)).rowcount
    def quote(name):    # (a literal % would read as a placeholder)
        return dialect.identifier_preparer.quote(name).replace('%', '%%')
    statement = 'DELETE FROM %s WHERE %s IN (%s)' % (
        quote(table.name), quote(table.c.id.name),
        ', '.join(['%s'] * len(ids)))
    if between is not None:
        statement += ' AND %s BETWEEN %%s AND %%s' % quote(
            table.c.timestamp.name)
        ids.extend(between)
    return conn.exec_driver_sql(statement, tuple(ids)).rowcount


def trim_projects(engine, table, max_rows):
    """Delete all but the newest ``max_rows`` events of every project."""
    c = table.c
    with engine.connect() as conn:
        crowded = conn.execute(
            sa.select(c.project).group_by(c.project).having(
                sa.func.count() > max_rows)).scalars().all()
    deleted = 0
    for project in crowded:
        scope = (c.project.is_(None) if project is None
                 else c.project == project)
        with engine.connect() as conn:
            edge = conn.execute(
                sa.select(c.timestamp, c.id).where(scope).order_by(
                    c.timestamp.desc(), c.id.desc()).offset(
                    max_rows).limit(1)).first()
        if edge is None:
            continue
        older = sa.or_(c.timestamp < edge.timestamp,
                       sa.and_(c.timestamp == edge.timestamp,
                               c.id <= edge.id))
        deleted += delete_chunked(engine, table, [scope, older])
    return deleted
