"""The same tests with testtools (or oslotest): useFixture."""

import testtools

from tidings.catalogs.demo import events
from tidings.testing import NotificationFixture

import backups


class TestBackupNotifications(testtools.TestCase):

    def test_create_end_matches_its_sample(self):
        notifications = self.useFixture(NotificationFixture(events.EVENTS))
        backups.create_backup(notifications.notifier,
                              events.sample_backup(), lambda: None)
        notifications.assert_matches_sample('demo.backup.create.end')
