"""tidings.testing.fixtures: NotificationFixture and assert_matches_sample."""

import json
import os
import threading

import fixtures
import testtools
from testtools import runtest

from tests.unit import catalog
from tidings.objects import errors
from tidings.testing import fixtures as tidings_fixtures


class TestNotificationFixture(testtools.TestCase):

    def fixture(self, **kwargs):
        return self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, **kwargs))

    def emit(self, fix, event=catalog.TABLE_CREATE_START):
        return fix.notifier.notify(event, catalog.table_payload())

    def test_captures_notifications_and_wire_messages(self):
        fix = self.fixture()
        note = self.emit(fix)
        self.assertEqual([note], fix.notifications)
        self.assertEqual([note.to_wire()], fix.messages)

    def test_wait_for_returns_the_messages_of_that_event_type(self):
        fix = self.fixture()
        self.emit(fix)
        self.emit(fix, catalog.TABLE_CREATE_END)
        [found] = fix.wait_for('unitcat.table.create.end')
        self.assertEqual('unitcat.table.create.end', found['event_type'])

    def test_wait_for_waits_for_another_thread(self):
        fix = self.fixture()
        timer = threading.Timer(0.05, self.emit, (fix,))
        timer.start()
        self.addCleanup(timer.cancel)
        self.assertEqual(1, len(fix.wait_for('unitcat.table.create.start',
                                             timeout=5)))

    def test_wait_for_counts(self):
        fix = self.fixture()
        for _ in range(3):
            self.emit(fix)
        self.assertEqual(3, len(fix.wait_for('unitcat.table.create.start',
                                             count=3)))

    def test_wait_for_timeout_fails_listing_what_arrived(self):
        fix = self.fixture()
        self.emit(fix)
        exc = self.assertRaises(AssertionError, fix.wait_for,
                                'unitcat.table.create.end', timeout=0.05)
        self.assertIn('expected 1 notification(s) of '
                      'unitcat.table.create.end within 0.05s, got 0',
                      str(exc))
        self.assertIn('captured: unitcat.table.create.start', str(exc))

    def test_clear_forgets_captured_notifications(self):
        fix = self.fixture()
        self.emit(fix)
        fix.clear()
        self.assertEqual(([], []), (fix.notifications, fix.messages))

    def test_keyword_overrides_set_notifications_options(self):
        fix = self.fixture(level='debug')
        fix.notifier.notify(catalog.PING, catalog.PingPayload(n=1))
        self.assertEqual(['unitcat.host.ping'], fix.event_types())

    def test_conf_overrides_reach_other_groups(self):
        fix = self.fixture(
            conf_overrides={'backend_memory.max_notifications': 2})
        for _ in range(4):
            self.emit(fix)
        self.assertEqual(2, len(fix.messages))

    def test_bad_override_fails_at_setup(self):
        exc = self.assertRaises(runtest.MultipleExceptions, self.fixture,
                                level='loud')
        self.assertIsInstance(exc.args[0][1], errors.ConfigError)

    def test_extra_backends_also_receive(self):
        extra = tidings_fixtures.memory.MemoryBackend(name='extra')
        fix = self.fixture(backends=[extra])
        self.emit(fix)
        self.assertEqual(1, len(extra.messages))

    def test_notifier_is_closed_at_cleanup(self):
        fix = tidings_fixtures.NotificationFixture(catalog.EVENTS)
        fix.setUp()
        fix.cleanUp()
        self.assertTrue(fix.notifier.closed)


class TestAssertMatchesSample(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, publisher_host='node-1'))
        self.dir = self.useFixture(fixtures.TempDir()).path

    def sample(self, message, name='sample.json'):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as handle:
            json.dump(message, handle, indent=4)
        return path

    def emit(self, **extra):
        return self.fix.notifier.notify(catalog.TABLE_CREATE_START,
                                        catalog.table_payload(**extra))

    def test_same_notification_matches(self):
        path = self.sample(self.emit().to_wire())
        tidings_fixtures.assert_matches_sample(self.emit(), path)

    def test_wire_dict_is_accepted(self):
        path = self.sample(self.emit().to_wire())
        tidings_fixtures.assert_matches_sample(self.emit().to_wire(), path)

    def test_timestamp_and_message_id_are_ignored_by_default(self):
        wire = dict(self.emit().to_wire(), timestamp='2016-11-04 00:00:00',
                    message_id='abc')
        path = self.sample(wire)
        tidings_fixtures.assert_matches_sample(self.emit(), path)

    def test_difference_raises_with_a_unified_diff(self):
        path = self.sample(self.emit(comment='old').to_wire())
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(comment='new'), path)
        message = str(exc)
        self.assertIn('notification does not match sample %s' % path,
                      message)
        self.assertIn('--- %s' % path, message)
        self.assertIn('+++ notification', message)
        self.assertIn('-            "comment": "old",', message)
        self.assertIn('+            "comment": "new",', message)

    def test_ignored_keys_are_left_out_at_every_depth(self):
        path = self.sample(self.emit(comment='old').to_wire())
        tidings_fixtures.assert_matches_sample(
            self.emit(comment='new'), path,
            ignore=('timestamp', 'message_id', 'comment'))

    def test_nothing_ignored_when_asked(self):
        path = self.sample(self.emit().to_wire())
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(), path, ignore=())
        self.assertIn('"message_id"', str(exc))

    def test_sample_that_is_not_json_fails_readably(self):
        path = os.path.join(self.dir, 'broken.json')
        with open(path, 'w') as handle:
            handle.write('{not json')
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(), path)
        self.assertIn('sample %s is not valid JSON' % path, str(exc))
