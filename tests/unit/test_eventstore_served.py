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
