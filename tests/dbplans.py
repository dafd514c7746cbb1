"""Query-plan checks of the event store, shared by the SQLite unit tests
and the PostgreSQL/MariaDB functional tests.

A table is filled inside the database (:mod:`tests.eventfill`) and
analysed, at a size where the planner has a worse plan to choose
(:data:`PLAN_ROWS`): the plan of a page must seek to the marker in the
index the filters name and read it in the listing's order, at every
depth checked (:data:`PAGES`), never filter the rows before the marker
(what the ``ts < T OR (ts = T AND id < I)`` predicate did on PostgreSQL
and SQLite: page 1000 cost 12x page 100) nor read the project's rows
from the newest (MariaDB's ``ref`` plan of pages 2 to 100 of the hot
project from 50,000 rows on, before the index was forced: page 100 cost
100-400 ms at 1M rows).
"""

import datetime
import re

import sqlalchemy as sa

from tests import dbhelpers
from tests import eventfill
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.backends import partitions
from tidings.objects import errors

#: Rows of the table the walk test pages through.
ROWS = 20000

#: Rows of the table the plans are read on, per dialect: MariaDB planned
#: the hot project's pages 2 and 10 as a ``ref`` (every row before the
#: marker read) from 50,000 rows on, never at 20,000; PostgreSQL is
#: filled with 200,000 (``generate_series``, about 10 s).  SQLite is
#: filled with :data:`ROWS` and its statistics say :data:`SQLITE_SCALE`
#: times as many (:func:`scale_sqlite_stats`): 5,000,000 rows.
PLAN_ROWS = {'sqlite': ROWS, 'postgresql': 200000, 'mysql': 100000,
             'mariadb': 100000}
SQLITE_SCALE = 250

#: Pages whose marker is checked (the marker is the last event of page
#: N of 50, where the listing has that many).
PAGES = (2, 10, 100)

#: (name, list keyword arguments, index suffix the page must seek in;
#: a tuple: any of them).  ``p-7`` is an ordinary project (0.1% of the
#: rows), ``p-hot`` holds 10%.
SHAPES = (
    ('project', dict(project='p-7'), ('project_ts',)),
    ('hot project', dict(project=eventfill.HOT), ('project_ts',)),
    ('project + type', dict(project=eventfill.HOT,
                            filters={'event_type': 'svc.t10.end'}),
     ('project_type_ts',)),
    ('all projects', dict(all_projects=True), ('timestamp',)),
    ('all projects + type', dict(all_projects=True,
                                 filters={'event_type': 'svc.t10.end'}),
     ('type_ts',)),
    # Partial indexes (PostgreSQL, SQLite: rows with the id only).
    ('object', dict(all_projects=True, filters={'object_id': 'obj-7'}),
     ('object_id_ts',)),
    ('cluster', dict(all_projects=True, filters={'parent_id': 'c-7'}),
     ('parent_id_ts',)),
    # The request index is the request id alone: its few events are
    # found by an equality seek and sorted.
    ('request', dict(all_projects=True, filters={'request_id': 'REQ'}),
     ('request_id',)),
)

#: Where a planner may seek in another index than the filters name, and
#: which.  PostgreSQL serves the hot project (10% of the rows, spread
#: over the whole time) from the time index, seeking to the marker
#: there and filtering the project: about ten rows read per row listed,
#: whatever the page (it has no index hints; the check still requires
#: the seek and no sort).
PLANNER_CHOICE = {'postgresql': {'hot project': ('project_ts',
                                                 'timestamp')}}

#: Indexes that find the listing's rows by equality and leave their
#: order to a sort of those few rows (no marker seek needed).
NARROW = ('request_id',)

#: Shapes with few matches (an object's, a cluster's, a request's
#: events): PostgreSQL may read them all from the seek and sort them.
FEW = ('object', 'cluster', 'request')


def _shape(store, kwargs):
    """``kwargs`` with ``REQ`` replaced by a request id of the fill."""
    filters = kwargs.get('filters') or {}
    if filters.get('request_id') == 'REQ':
        request = store.list(limit=1, all_projects=True)[0]['request_id']
        kwargs = dict(kwargs, filters=dict(filters, request_id=request))
    return kwargs


def _markers(store, kwargs):
    """``(where, id)`` of the last event of each of the :data:`PAGES`
    the listing has (a listing shorter than two pages: its middle
    event)."""
    rows = store.list(limit=max(PAGES) * 50, **kwargs)
    assert rows, 'the fill has no events for %r' % kwargs
    marks = [('page %d' % n, rows[n * 50 - 1]['id']) for n in PAGES
             if len(rows) >= n * 50]
    return marks or [('event %d of %d' % (len(rows) // 2 + 1, len(rows)),
                      rows[len(rows) // 2]['id'])]


#: A project whose events are all older than every other project's
#: newest (the fill's first :data:`QUIET_DAYS` days), as a project
#: quiet lately: a listing that reads the time index newest first and
#: drops other projects' events reads nearly the whole table before its
#: first match.
QUIET = 'p-quiet'
QUIET_DAYS = 4


def make_quiet_project(store, prefix):
    """Give the fill's first :data:`QUIET_DAYS` days of events to
    :data:`QUIET`, then analyse the table again."""
    table = dbschema.get_table(prefix)
    dialect = store.engine.dialect.name
    with store.engine.begin() as conn:
        conn.execute(table.update().where(
            table.c.timestamp < eventfill.START + datetime.timedelta(
                days=QUIET_DAYS)).values(project=QUIET))
    with store.engine.begin() as conn:
        conn.exec_driver_sql(('ANALYZE TABLE ' if dialect in (
            'mysql', 'mariadb') else 'ANALYZE ') + table.name)


def scale_sqlite_stats(store, factor):
    """Make SQLite's statistics (``sqlite_stat1``) describe ``factor``
    times the rows the table has: each count and each average number of
    rows per key above one is multiplied (a unique key stays unique).
    New connections read them."""
    with store.engine.begin() as conn:
        rows = conn.exec_driver_sql(
            'SELECT tbl, idx, stat FROM sqlite_stat1').all()
        assert rows, 'no statistics: the table was not analysed'
        for tbl, idx, stat in rows:
            numbers = [int(n) for n in stat.split()]
            scaled = ' '.join(str(n * factor if n > 1 else n)
                              for n in numbers)
            conn.exec_driver_sql(
                'UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND '
                'idx IS ?', (scaled, tbl, idx))
    store.engine.dispose()


def check_sqlite(plan, index, few):
    text = '\n'.join(plan)
    assert 'USING INDEX' in text and index in text, text
    if index in NARROW:
        assert '(%s=?)' % index in text, text
        return
    assert '(timestamp,id)<(?,?)' in text, text
    assert 'TEMP B-TREE' not in text, text   # no sort of the matches


def check_postgresql(plan, index, few):
    # An index scan in listing order, or (a few matches: ``few``) a
    # bitmap scan of the seeked range then a sort of those few rows:
    # either way the marker bounds the range read, so page N costs what
    # page 1 does.  A listing of many matches must not sort: the bitmap
    # scan would read every row after the marker.
    text = '\n'.join(plan)
    assert 'Seq Scan' not in text, text
    if index in NARROW:
        assert re.search(r'Index Scan using \S*_%s on' % index, text), text
        assert '(%s)::text = ' % index in text, text
        return
    scans = 'Index Scan Backward|Bitmap Index Scan' if few else \
        'Index Scan Backward'
    assert re.search(r'(%s) (using|on) \S*_%s\b' % (scans, index),
                     text), text
    assert few or 'Sort' not in text, text
    cond = next(line for line in plan if 'Index Cond:' in line)
    assert 'ROW("timestamp", (id)::text) < ROW(' in cond, text
    if index != 'timestamp':
        assert "(project)::text = " in cond or 'project' not in index, text


#: InnoDB key lengths: ``project`` VARCHAR(255) NULL in utf8mb4 is 1023
#: bytes, ``event_type`` (NOT NULL) 1022, DATETIME(6) 8, the id
#: VARCHAR(64) NOT NULL 258: a range that covers the time and id columns
#: after the equality columns of the index.
MARIADB_KEY_LEN = {'project_ts': 1289, 'project_type_ts': 2311,
                   'timestamp': 266, 'type_ts': 1288,
                   'object_id_ts': 1289, 'parent_id_ts': 1289}


def check_mariadb(plan, index, few):
    text = '\n'.join(plan)
    assert len(plan) == 1, text
    key = re.search(r'key=\S*_events_(\S+) key_len=(\d+)', text)
    assert key and key.group(1) == index, text
    if index in NARROW:
        assert 'type=ref' in text, text
        return
    assert 'type=range' in text, text
    assert int(key.group(2)) >= MARIADB_KEY_LEN[index], text
    assert 'filesort' not in text, text


CHECKS = {'sqlite': check_sqlite, 'postgresql': check_postgresql,
          'mysql': check_mariadb, 'mariadb': check_mariadb}

#: Plan lines naming the index a first page reads, per dialect: an
#: ``(index suffix)`` pattern.
FIRST_PAGE_INDEX = {
    'sqlite': r'USING (?:COVERING )?INDEX \S*_events_%s\b',
    'postgresql': r'(?:Index Scan(?: Backward)? using|Bitmap Index Scan '
                  r'on) \S*_events_%s\b',
    'mysql': r'key=\S*_events_%s key_len',
}
FIRST_PAGE_INDEX['mariadb'] = FIRST_PAGE_INDEX['mysql']
#: What a first page of many matches must not do (sort them, scan).
FIRST_PAGE_NEVER = ('TEMP B-TREE', 'Sort', 'Seq Scan', 'Bitmap',
                    'filesort', 'type=ALL')


def check_first_page(dialect, plan, index, few):
    """The first page (no marker) reads ``index`` in the listing's order:
    it stops after 50 matches, however old they are."""
    text = '\n'.join(plan)
    assert re.search(FIRST_PAGE_INDEX[dialect] % index, text), text
    if few or index in NARROW:
        return
    for never in FIRST_PAGE_NEVER:
        assert never not in text, text
    if dialect in ('mysql', 'mariadb') and index != 'timestamp':
        # the whole index, not the rows of the filter's key
        assert 'type=index' not in text, text


def _in_none(indexes, check):
    """None when ``check(index)`` passes for one of ``indexes``; else
    the first one's failure."""
    failures = []
    for index in indexes:
        try:
            check(index)
            return None
        except AssertionError as exc:
            failures.append(str(exc))
    return failures[0]


def partition_indexes(store):
    """PostgreSQL: ``{index of a partition: the table's index}`` (each
    partition has its own copy of every index of the table, named by
    PostgreSQL)."""
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.text(
            'SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c '
            'ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent '
            "WHERE p.relkind = 'I' AND p.relname LIKE :name"), {
                'name': 'ix_%s_%%' % store.table.name}).all())


def as_unpartitioned(plan, names, default):
    """A plan of a partitioned table, in the terms of the table: each
    partition's index named as the table's; the ``Merge Append`` of the
    partitions' index scans (which merges rows each read in index order)
    without its ``Sort Key`` line, which is no sort; and without the scan
    of the ``default`` partition, which holds only the rows of days
    without a partition (here the fill's last row) and is read whole."""
    out, skip = [], None
    for line in plan:
        depth = len(line) - len(line.lstrip())
        if skip is not None and depth > skip:
            continue
        skip = None
        if 'Seq Scan on %s ' % default in line:
            skip = depth
            continue
        if 'Sort Key:' in line and 'Merge Append' in out[-1]:
            continue
        for child, parent in names.items():
            line = line.replace(' ' + child + ' ', ' ' + parent + ' ')
        out.append(line)
    return out


class PlanCases:
    """Mixed into a test class that sets ``self.url`` (and
    ``partition_by = 'day'``: the table partitioned by day, a partition
    for each day of the fill)."""

    partition_by = 'none'

    def explain(self, store, **kwargs):
        plan = store.explain(**kwargs)
        if self.partition_by != 'day' or \
                store.engine.dialect.name != 'postgresql':
            return plan
        return as_unpartitioned(plan, partition_indexes(store),
                                store.table.name + partitions.PG_DEFAULT)

    def filled_store(self, big=False):
        """An event store on a filled table: :data:`PLAN_ROWS` for the
        database when ``big``, :data:`ROWS` otherwise."""
        prefix = dbhelpers.unique_prefix()
        self.addCleanup(dbhelpers.drop_tables, self.url, prefix)
        store = eventstore.EventStore(self.url, table_prefix=prefix)
        self.addCleanup(store.close)
        if self.partition_by == 'day':
            dbhelpers.partitioned_schema(store.engine, prefix, [
                eventfill.START.date() + datetime.timedelta(days=i)
                for i in range(eventfill.DAYS)])
        else:
            store.upgrade()
        dialect = store.engine.dialect.name
        eventfill.fill(store.engine, prefix, PLAN_ROWS[dialect]
                       if big else ROWS)
        if big:
            make_quiet_project(store, prefix)
        if big and dialect == 'sqlite':
            scale_sqlite_stats(store, SQLITE_SCALE)
        return store

    def test_every_listing_shape_seeks_to_the_marker(self):
        store = self.filled_store(big=True)
        dialect = store.engine.dialect.name
        check = CHECKS[dialect]
        failed = []
        for name, kwargs, indexes in SHAPES:
            kwargs = _shape(store, kwargs)
            indexes = PLANNER_CHOICE.get(dialect, {}).get(name, indexes)
            for where, marker in _markers(store, kwargs):
                plan = self.explain(store, limit=50, marker=marker,
                                    **kwargs)
                problem = _in_none(indexes, lambda i, p=plan, n=name: check(
                    p, i, n in FEW))
                if problem:
                    failed.append('%s, %s: does not seek in %s:\n%s' % (
                        name, where, ' or '.join(indexes), problem))
        if failed:
            self.fail('\n'.join(failed))

    def test_every_first_page_reads_the_index_its_filters_name(self):
        store = self.filled_store(big=True)
        dialect = store.engine.dialect.name
        failed = []
        for name, kwargs, indexes in SHAPES + (
                ('quiet project', dict(project=QUIET), ('project_ts',)),):
            kwargs = _shape(store, kwargs)
            indexes = PLANNER_CHOICE.get(dialect, {}).get(name, indexes)
            plan = self.explain(store, limit=50, **kwargs)
            problem = _in_none(indexes, lambda i, p=plan, n=name:
                               check_first_page(dialect, p, i, n in FEW))
            if problem:
                failed.append('%s, first page: does not read %s:\n%s' % (
                    name, ' or '.join(indexes), problem))
        if failed:
            self.fail('\n'.join(failed))

    def test_pages_walk_the_whole_listing_in_order(self):
        # The seek must list exactly what the old predicate did: every
        # event once, newest first, ties on the timestamp broken by id.
        store = self.filled_store()
        seen, marker = [], None
        while True:
            page = store.list(limit=500, marker=marker, project='p-7')
            seen.extend((e['timestamp'], e['id']) for e in page)
            if len(page) < 500:
                break
            marker = page[-1]['id']
        self.assertEqual(sorted(seen, reverse=True), seen)
        self.assertEqual(len(set(seen)), len(seen))
        self.assertEqual(store.count(project='p-7'), len(seen))

    def test_explain_checks_its_arguments_like_list(self):
        store = eventstore.EventStore(self.url, table_prefix='unused_')
        self.addCleanup(store.close)
        self.assertRaises(errors.FilterError, store.explain, limit=0,
                          project='p')


class PartitionedPlanCases(PlanCases):
    """The plan cases on a table partitioned by day, and its pruning."""

    partition_by = 'day'

    def test_a_time_range_listing_reads_only_its_days(self):
        # Partition pruning: six hours of the fill's 16th day are read
        # from that day's partition alone.
        store = self.filled_store()
        since = eventfill.START + datetime.timedelta(days=15)
        filters = {'since': since,
                   'until': since + datetime.timedelta(hours=6)}
        day = partitions.partition_name(store.engine.dialect.name,
                                        store.table.name, since.date())
        if store.engine.dialect.name == 'postgresql':
            plan = '\n'.join(store.explain(all_projects=True, limit=50,
                                           filters=filters))
            self.assertIn(' on %s ' % day, plan)
            self.assertEqual(1, plan.count(' on %s_p' % store.table.name),
                             plan)
            return
        with store.engine.connect() as conn:
            compiled = store._listing(filters, None, 50, None, None, True)(
                conn).compile(dialect=conn.dialect)
            row = conn.exec_driver_sql(
                'EXPLAIN PARTITIONS ' + str(compiled),
                eventstore.compiled_params(compiled,
                                           compiled.params)).mappings().one()
        self.assertEqual(day, row['partitions'])
