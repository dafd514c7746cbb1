"""acme-backup's notifications, tested with tidings.testing: the service
emits what its samples show, and every payload is locked."""

import unittest

from tidings.testing import assert_fingerprints_locked
from tidings.testing import NotificationFixture

from acme_backup import notifications as events
from acme_backup import service

PROJECT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f'


def volume(online=True):
    return service.Volume('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', 20,
                          online)


class TestBackupNotifications(unittest.TestCase):

    def setUp(self):
        super().setUp()
        # a Notifier for the acme catalog that keeps what it emits
        self.notifications = self.enterContext(
            NotificationFixture(events.EVENTS))
        self.service = service.BackupService(self.notifications.notifier)

    def test_create_emits_start_then_end(self):
        self.service.create(PROJECT, 'nightly', volume())
        self.assertEqual(['acme.backup.create.start',
                          'acme.backup.create.end'],
                         self.notifications.event_types())

    def test_create_end_matches_its_sample(self):
        self.service.create(PROJECT, 'nightly', volume())
        # this run's backup id and time are not the sample's
        self.notifications.assert_matches_sample(
            'acme.backup.create.end', ignore=('backup_id', 'created_at'))

    def test_a_failed_create_emits_the_error_with_its_fault(self):
        with self.assertRaises(OSError):
            self.service.create(PROJECT, 'nightly', volume(online=False))
        [error] = self.notifications.wait_for('acme.backup.create.error')
        backup = error['payload']['acme_object.data']
        fault = backup['fault']['acme_object.data']
        self.assertEqual('error', backup['status'])
        self.assertIn('is offline', fault['exception_message'])


class TestPayloads(unittest.TestCase):

    def test_payloads_are_locked(self):
        assert_fingerprints_locked(self, registry=events.EVENTS)


if __name__ == '__main__':
    unittest.main()
