"""The messaging backend's delivery states: the table, its drawing in the
architecture guide, and the backend moving through them."""

import logging
import os
import re

import fixtures
import testtools

from tidings.backends.messaging import states

ARCHITECTURE = os.path.join(os.path.dirname(__file__), '..', '..', 'doc',
                            'source', 'architecture.rst')


class TestTable(testtools.TestCase):

    def test_every_pair_is_a_transition_or_unchanged_never_both(self):
        for state in states.STATES:
            for event in states.EVENTS:
                pair = (state, event)
                self.assertNotEqual(pair in states.TRANSITIONS,
                                    pair in states.UNCHANGED, pair)

    def test_every_state_is_reachable_and_can_return_to_normal(self):
        targets = set(states.TRANSITIONS.values())
        self.assertEqual(set(states.STATES) - {states.NORMAL},
                         targets - {states.NORMAL})
        for state in states.STATES:
            seen, todo = {state}, [state]
            while todo:
                here = todo.pop()
                for (src, _), dst in states.TRANSITIONS.items():
                    if src == here and dst not in seen:
                        seen.add(dst)
                        todo.append(dst)
            self.assertIn(states.NORMAL, seen, state)

    def test_the_architecture_guide_draws_the_table(self):
        with open(ARCHITECTURE) as f:
            text = f.read()
        block = text[text.index('digraph states'):]
        block = block[:block.index('\n   }')]
        drawn = {(src, label): dst for src, dst, label in re.findall(
            r'(\w+) -> (\w+) \[label="(\w+)"\]', block)}
        self.assertEqual(states.TRANSITIONS, drawn)


class TestDelivery(testtools.TestCase):

    def test_an_outage_and_its_end(self):
        changes = []
        delivery = states.Delivery(lambda *change: changes.append(change))
        self.assertFalse(delivery.diverting)
        error = ConnectionRefusedError('refused')
        self.assertEqual(states.DIVERTING,
                         delivery.fire(states.FAILED, error))
        self.assertTrue(delivery.diverting)
        # the same outage again: no change, nothing reported
        delivery.fire(states.FAILED, error)
        delivery.fire(states.QUEUED)
        self.assertEqual(states.DRAINING, delivery.fire(states.ANSWERED))
        self.assertEqual(states.NORMAL, delivery.fire(states.EMPTIED))
        self.assertEqual([
            (states.NORMAL, states.DIVERTING, states.FAILED, error),
            (states.DIVERTING, states.DRAINING, states.ANSWERED, None),
            (states.DRAINING, states.NORMAL, states.EMPTIED, None),
        ], changes)
        self.assertEqual(3, delivery.changes)

    def test_a_block_keeps_new_batches_behind_the_outbox(self):
        delivery = states.Delivery()
        delivery.fire(states.BLOCK, 'memory')
        self.assertTrue(delivery.diverting)
        delivery.fire(states.QUEUED)
        self.assertEqual(states.BLOCKED, delivery.state)
        self.assertEqual(states.DRAINING, delivery.fire(states.UNBLOCK))

    def test_an_event_outside_the_table_is_refused_by_name(self):
        delivery = states.Delivery()
        error = self.assertRaises(ValueError, delivery.fire, 'nonsense')
        self.assertIn("event 'nonsense' in state 'normal'", str(error))

    def test_reset_returns_to_normal_after_a_fork(self):
        delivery = states.Delivery()
        delivery.fire(states.FAILED, OSError())
        delivery.reset()
        self.assertEqual(states.NORMAL, delivery.state)


class TestBackendReports(testtools.TestCase):
    """The backend logs each change once, in operator words."""

    def setUp(self):
        super().setUp()
        from tidings import conf as tidings_conf
        from tidings.backends.messaging import backend
        conf = tidings_conf.new_conf()
        tidings_conf.register_opts(conf)
        state = self.useFixture(fixtures.TempDir()).path
        conf.set_override('state_path', state, 'notifications')
        conf.set_override('transport_url', 'fake://', 'backend_messaging')
        self.backend = backend.MessagingBackend(conf)
        self.addCleanup(self.backend.close)
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def test_outage_block_and_their_ends_are_logged_once_each(self):
        backend = self.backend
        backend.diversion.failed(ConnectionRefusedError(111, 'refused'))
        backend.diversion.failed(ConnectionRefusedError(111, 'refused'))
        backend.diversion.answered()
        backend.diversion.on_blocked(True, 'low on memory')
        backend.diversion.on_blocked(True, 'low on memory')   # another
        backend.diversion.on_blocked(False, None)
        self.assertEqual(states.BLOCKED, backend.stats()['state'])
        backend.diversion.on_blocked(False, None)
        self.assertEqual(states.DRAINING, backend.stats()['state'])
        out = self.log.output
        self.assertEqual(1, out.count('refused the connection'), out)
        self.assertEqual(1, out.count('takes notifications again'), out)
        self.assertEqual(1, out.count('blocks publishing (low on memory'),
                         out)
        self.assertEqual(1, out.count('lifted its block'), out)
        self.assertEqual(1, backend.stats()['blocked'])
