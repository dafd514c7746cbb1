"""Query-plan checks of the event store, shared by the SQLite unit tests
and the PostgreSQL/MariaDB functional tests.

A table of :data:`ROWS` events is filled inside the database
(:mod:`tests.eventfill`) and analysed, so the planner works from real
statistics; the plan of a page far from the first must seek to the
marker in an index that ends in ``(timestamp, id)``, never filter the
rows before it (what the ``ts < T OR (ts = T AND id < I)`` predicate did
on PostgreSQL and SQLite: page 1000 cost 12x page 100).
"""

import re

from tests import dbhelpers
from tests import eventfill
from tidings.backends import eventstore
from tidings.objects import errors

ROWS = 20000

#: (name, list keyword arguments, index suffix the page must seek in;
#: a tuple: any of them).  ``p-7`` is an ordinary project (0.1% of the
#: rows), ``p-hot`` holds 10%: a planner may serve it from the time
#: index, still seeking to the marker there.
SHAPES = (
    ('project', dict(project='p-7'), ('project_ts',)),
    ('hot project', dict(project=eventfill.HOT),
     ('project_ts', 'timestamp')),
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

#: Indexes that find the listing's rows by equality and leave their
#: order to a sort of those few rows (no marker seek needed).
NARROW = ('request_id',)


def _shape(store, kwargs):
    """``kwargs`` with ``REQ`` replaced by a request id of the fill."""
    filters = kwargs.get('filters') or {}
    if filters.get('request_id') == 'REQ':
        request = store.list(limit=1, all_projects=True)[0]['request_id']
        kwargs = dict(kwargs, filters=dict(filters, request_id=request))
    return kwargs


def _marker(store, kwargs):
    """The id of an event some pages deep in the listing."""
    page = store.list(limit=200, **kwargs)
    # (an object has one event in the fill: its only row is the marker)
    assert page, 'the fill has no events for %r' % kwargs
    return page[len(page) // 2]['id']


def check_sqlite(plan, index, kwargs):
    text = '\n'.join(plan)
    assert 'USING INDEX' in text and index in text, text
    if index in NARROW:
        assert '(%s=?)' % index in text, text
        return
    assert '(timestamp,id)<(?,?)' in text, text
    assert 'TEMP B-TREE' not in text, text   # no sort of the matches


def check_postgresql(plan, index, kwargs):
    # An index scan in listing order, or (a few matches) a bitmap scan
    # of the seeked range then a sort of those few rows: either way the
    # marker bounds the range read, so page N costs what page 1 does.
    text = '\n'.join(plan)
    assert 'Seq Scan' not in text, text
    if index in NARROW:
        assert re.search(r'Index Scan using \S*_%s on' % index, text), text
        assert '(%s)::text = ' % index in text, text
        return
    assert re.search(r'(Index Scan Backward|Bitmap Index Scan) (using|on) '
                     r'\S*_%s\b' % index, text), text
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


def check_mariadb(plan, index, kwargs):
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


class PlanCases:
    """Mixed into a test class that sets ``self.url``."""

    def filled_store(self):
        prefix = dbhelpers.unique_prefix()
        self.addCleanup(dbhelpers.drop_tables, self.url, prefix)
        store = eventstore.EventStore(self.url, table_prefix=prefix)
        self.addCleanup(store.close)
        store.upgrade()
        eventfill.fill(store.engine, prefix, ROWS)
        return store

    def test_every_listing_shape_seeks_to_the_marker(self):
        store = self.filled_store()
        check = CHECKS[store.engine.dialect.name]
        for name, kwargs, indexes in SHAPES:
            kwargs = _shape(store, kwargs)
            plan = store.explain(limit=50, marker=_marker(store, kwargs),
                                 **kwargs)
            failures = []
            for index in indexes:
                try:
                    check(plan, index, kwargs)
                    break
                except AssertionError as exc:
                    failures.append(str(exc))
            else:
                self.fail('%s: page N does not seek in %s:\n%s' % (
                    name, ' or '.join(indexes), failures[0]))

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
