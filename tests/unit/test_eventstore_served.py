"""Which listings the event store accepts across all projects: only
those an index serves (migration 0002), never a silent full scan."""

import testtools

from tidings.backends import eventstore
from tidings.objects import errors


class TestCheckServed(testtools.TestCase):
    def refused(self, filters=None, sort=None):
        exc = self.assertRaises(
            errors.FilterError, eventstore.check_served, filters,
            eventstore.parse_sort(sort), None, True)
        return exc

    def accepted(self, filters=None, sort=None, project=None):
        self.assertIsNone(eventstore.check_served(
            filters, eventstore.parse_sort(sort), project, project is None))

    def test_unindexed_filters_alone_are_refused_naming_the_fast_ones(self):
        for name, value in (('level', 'critical'), ('user', 'u-1'),
                            ('status', 'ERROR'), ('object_type', 'node'),
                            ('action', 'delete'), ('source', 'api'),
                            ('object_name', 'web-1'), ('phase', 'error'),
                            ('publisher_id', 'api.host')):
            exc = self.refused({name: value})
            self.assertEqual(name, exc.name)
            self.assertIn('no index serves this filter', str(exc))
            for fast in ('project', 'event_type', 'object_id',
                         'parent_id', 'request_id'):
                self.assertIn(fast, str(exc))

    def test_a_time_range_does_not_make_a_filter_fast(self):
        exc = self.refused({'level': 'error', 'since': '1d',
                            'until': '1h'})
        self.assertEqual('level', exc.name)

    def test_an_event_type_prefix_does_not_narrow(self):
        self.assertEqual('event_type', self.refused(
            {'event_type': 'cluster.*'}).name)
        self.assertEqual('event_type', self.refused(
            {'event_type': ['cluster.create.end', 'node.']}).name)

    def test_a_sort_without_an_index_is_refused(self):
        exc = self.refused(sort='level:desc')
        self.assertEqual('sort', exc.name)
        self.assertIn('only timestamp or id order', str(exc))

    def test_indexed_filters_make_any_other_filter_acceptable(self):
        for narrow in ({'event_type': 'cluster.create.end'},
                       {'object_id': 'o-1'}, {'parent_id': 'c-1'},
                       {'cluster_id': 'c-1'}, {'request_id': 'req-1'},
                       {'project': 'p1'}):
            self.accepted(dict(narrow, level='error', user='u-1'),
                          sort='level:desc')

    def test_plain_listings_and_time_ranges_are_accepted(self):
        self.accepted()
        self.accepted({'since': '2h'})
        self.accepted(sort='id:asc')

    def test_a_project_listing_accepts_every_filter(self):
        self.accepted({'level': 'critical', 'user': 'u-1',
                       'event_type': 'cluster.*'}, sort='level',
                      project='p1')

    def test_list_refuses_before_touching_the_database(self):
        store = eventstore.EventStore('sqlite:///:memory:')
        self.addCleanup(store.close)
        exc = self.assertRaises(errors.FilterError, store.list,
                                {'status': 'ERROR'}, all_projects=True)
        self.assertEqual('status', exc.name)


class TestSeekIndex(testtools.TestCase):
    """The index a listing seeks in, chosen from its filters (what
    MariaDB is told to use)."""

    def index(self, filters=None, sort=None, project=None):
        return eventstore.seek_index(filters, eventstore.parse_sort(sort),
                                     project)

    def test_each_filter_set_names_the_index_that_starts_with_it(self):
        for expected, filters, project in (
                ('project_ts', None, 'p-1'),
                ('project_ts', {'level': 'error', 'user': 'u'}, 'p-1'),
                ('project_ts', {'event_type': 'svc.*'}, 'p-1'),
                ('project_ts', {'event_type': ['a.b', 'c.d']}, 'p-1'),
                ('project_type_ts', {'event_type': 'a.b'}, 'p-1'),
                ('project_type_ts', {'event_type': ['a.b'],
                                     'project': 'p-2'}, None),
                ('project_ts', {'project': 'p-2', 'since': '1d'}, None),
                ('type_ts', {'event_type': 'a.b'}, None),
                ('timestamp', None, None),
                ('timestamp', {'since': '1d', 'until': '1h'}, None),
                ('object_id_ts', {'object_id': 'o', 'event_type': 'a.b'},
                 'p-1'),
                ('parent_id_ts', {'cluster_id': 'c'}, None),
                ('parent_id_ts', {'parent_id': ['c', 'd']}, 'p-1'),
                ('request_id', {'request_id': 'r', 'object_id': 'o'},
                 None)):
            self.assertEqual(expected, self.index(filters, project=project),
                             (filters, project))

    def test_no_index_when_the_filters_do_not_decide_it(self):
        # Several projects or types: a range of each, then a sort; the
        # database's own choice (it may read the time index instead).
        self.assertIsNone(self.index({'project': ['p-1', 'p-2']}))
        self.assertIsNone(self.index({'event_type': ['a.b', 'c.d']}))
        self.assertIsNone(self.index({'event_type': 'a.*',
                                      'level': 'error'}))

    def test_no_index_for_an_order_other_than_time(self):
        for sort in ('level', 'event_type:desc', 'id',
                     'timestamp:desc,id:asc'):
            self.assertIsNone(self.index(sort=sort, project='p-1'), sort)
        self.assertEqual('project_ts', self.index(sort='timestamp:asc',
                                                  project='p-1'))

    def test_the_hint_is_forced_on_mariadb_only(self):
        import sqlalchemy as sa
        from sqlalchemy.dialects import mysql
        from sqlalchemy.dialects import postgresql
        from sqlalchemy.dialects import sqlite

        from tidings.backends import dbschema
        table = dbschema.get_table('hint_')
        query = eventstore.index_hint(sa.select(table.c.id), table,
                                      'project_ts')
        self.assertIn('FROM hint_events FORCE INDEX '
                      '(ix_hint_events_project_ts)',
                      str(query.compile(dialect=mysql.dialect())))
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            self.assertNotIn('INDEX', str(query.compile(dialect=dialect)))
        self.assertNotIn('INDEX', str(eventstore.index_hint(
            sa.select(table.c.id), table, None).compile(
                dialect=mysql.dialect())))
