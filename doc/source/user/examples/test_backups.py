"""A service's tests of its notifications, with unittest alone.

Run by tests/unit/test_doc_examples.py; shown in the user guide
(doc/source/user/testing.rst).
"""

import unittest

from tidings.catalogs.demo import events
from tidings.testing import assert_fingerprints_locked
from tidings.testing import NotificationFixture

import backups


def copy_nothing():
    pass


class TestBackupNotifications(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.notifications = self.enterContext(
            NotificationFixture(events.EVENTS))

    def test_create_emits_start_then_end(self):
        backups.create_backup(self.notifications.notifier,
                              events.sample_backup(), copy_nothing)
        self.assertEqual(
            ['demo.backup.create.start', 'demo.backup.create.end'],
            self.notifications.event_types())

    def test_create_end_matches_its_sample(self):
        backups.create_backup(self.notifications.notifier,
                              events.sample_backup(), copy_nothing)
        self.notifications.assert_matches_sample('demo.backup.create.end')

    def test_failed_create_says_why(self):
        def copy_volume():
            raise OSError('disk full')

        with self.assertRaises(OSError):
            backups.create_backup(self.notifications.notifier,
                                  events.sample_backup(), copy_volume)
        [error] = self.notifications.wait_for('demo.backup.create.error')
        backup = error['payload']['demo_object.data']
        fault = backup['fault']['demo_object.data']
        self.assertEqual('disk full', fault['exception_message'])


class TestPayloads(unittest.TestCase):

    def test_payloads_are_locked(self):
        assert_fingerprints_locked(self, registry=events.EVENTS)
