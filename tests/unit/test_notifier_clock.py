"""Notifier(clock=, id_factory=): reproducible notifications."""

import datetime

import testtools

from tidings.backends import memory
from tidings import catalogs
from tidings.notifications import notifier as notifier_mod

MOMENT = datetime.datetime(2030, 5, 6, 7, 8, 9, 123456)


class TestNotifierClock(testtools.TestCase):
    def notifier(self, **kwargs):
        events = catalogs.load('demo')
        return notifier_mod.Notifier(
            None, events, backends=[memory.MemoryBackend()], **kwargs), events

    def test_clock_stamps_the_notification(self):
        notifier, events = self.notifier(clock=lambda: MOMENT)
        event = events['demo.backup.create.start']
        note = notifier.notify(event, event.sample)
        self.assertEqual('2030-05-06 07:08:09.123456',
                         note.to_wire()['timestamp'])

    def test_id_factory_receives_the_definition(self):
        notifier, events = self.notifier(id_factory=lambda d: 'id-' + d.name)
        event = events['demo.backup.create.start']
        note = notifier.notify(event, event.sample)
        self.assertEqual('id-EVENT_TYPE_BACKUP_CREATE_START',
                         note.message_id)

    def test_default_message_ids_differ(self):
        notifier, events = self.notifier()
        event = events['demo.backup.create.start']
        first = notifier.notify(event, event.sample)
        second = notifier.notify(event, event.sample)
        self.assertNotEqual(first.message_id, second.message_id)
