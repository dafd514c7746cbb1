"""message_ids: unique UUID strings, new ones in a forked child."""

import uuid

import testtools

from tests import forking
from tidings.notifications import notification


class TestMessageIds(testtools.TestCase):

    def test_a_message_id_is_a_version_4_uuid(self):
        value = uuid.UUID(notification.new_message_id())
        self.assertEqual((4, uuid.RFC_4122), (value.version, value.variant))

    def test_message_ids_are_unique(self):
        ids = [notification.new_message_id() for _ in range(100000)]
        self.assertEqual(len(ids), len(set(ids)))

    def test_each_process_draws_its_own_prefix(self):
        ids = notification._MessageIds()
        first = ids()
        ids.reseed()
        self.assertNotEqual(first[:24], ids()[:24])

    def test_the_counter_running_out_draws_a_new_prefix(self):
        ids = notification._MessageIds()
        prefix = ids.state[0]
        ids.state = (prefix, iter([2 ** 48]))
        value = ids()
        self.assertNotEqual(prefix, value[:24])
        self.assertEqual(36, len(value))

    def test_a_forked_child_does_not_repeat_the_parents_ids(self):
        child = forking.in_child(notification.new_message_id)
        parent = notification.new_message_id()
        self.assertNotEqual(parent[:24], child[:24])
