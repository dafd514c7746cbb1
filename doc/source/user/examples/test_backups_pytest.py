"""The same tests with pytest: the fixture is a context manager."""

import pytest

from tidings.catalogs.demo import events
from tidings.testing import NotificationFixture

import backups


@pytest.fixture
def notifications():
    with NotificationFixture(events.EVENTS) as fix:
        yield fix


def test_create_end_matches_its_sample(notifications):
    backups.create_backup(notifications.notifier, events.sample_backup(),
                          lambda: None)
    notifications.assert_matches_sample('demo.backup.create.end')
