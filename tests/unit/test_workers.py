"""The worker loop and the fork policy shared by the queued backends."""

import ast
import os
import threading
import time

import fixtures
import testtools

from tests import forking
from tidings.backends import workers


class Collect:
    """A deliver callable that records its batches; ``gate`` holds it."""

    def __init__(self):
        self.batches = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, batch):
        self.entered.set()
        self.gate.wait(10)
        self.batches.append(list(batch))

    @property
    def items(self):
        return [item for batch in self.batches for item in batch]


class WorkerTestCase(testtools.TestCase):

    def worker(self, **options):
        collect = Collect()
        options.setdefault('linger', 0.002)
        worker = workers.Worker(collect, 'test', **options)
        self.addCleanup(worker.stop, 5)
        self.addCleanup(collect.gate.set)
        return worker, collect

    def held(self, **options):
        """A worker whose first batch (the item 'first') is in hand,
        held in deliver until ``collect.gate`` is set."""
        worker, collect = self.worker(**options)
        collect.gate.clear()
        worker.put('first')
        self.assertTrue(collect.entered.wait(5))
        return worker, collect


class TestWorker(WorkerTestCase):

    def test_items_are_delivered_in_order(self):
        worker, collect = self.worker()
        for i in range(500):
            self.assertTrue(worker.put(i))
        self.assertTrue(worker.flush(5))
        self.assertEqual(list(range(500)), collect.items)

    def test_nothing_starts_before_the_first_put(self):
        worker, _ = self.worker()
        self.assertIsNone(worker.thread)
        self.assertEqual(0, worker.slow_at)
        worker.put('x')
        self.assertTrue(worker.is_alive())

    def test_batches_hold_at_most_batch_size(self):
        worker, collect = self.held(batch_size=10)
        for i in range(35):
            worker.put(i)
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual([['first'], list(range(10)), list(range(10, 20)),
                          list(range(20, 30)), list(range(30, 35))],
                         collect.batches)

    def test_batch_size_none_takes_all_that_wait(self):
        worker, collect = self.held(batch_size=None)
        for i in range(300):
            worker.put(i)
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual([['first'], list(range(300))], collect.batches)

    def test_lingering_gathers_what_arrives_into_one_batch(self):
        worker, collect = self.worker(linger=0.4, busy_for=0)
        for i in range(20):
            worker.put(i)
        time.sleep(1.0)         # no flush: the linger alone
        self.assertEqual([list(range(20))], collect.batches)

    def test_a_full_queue_refuses(self):
        worker, collect = self.held(size=3)
        self.assertEqual([True] * 3 + [False] * 2,
                         [worker.put(i) for i in range(5)])
        self.assertEqual(4, worker.pending())     # 1 in hand, 3 waiting
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual(['first', 0, 1, 2], collect.items)

    def test_pending_counts_waiting_and_in_hand(self):
        worker, collect = self.held()
        worker.put('second')
        self.assertEqual((2, 1), (worker.pending(), worker.inflight))
        self.assertEqual('first', worker.oldest_item())
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual((0, None), (worker.pending(), worker.oldest_item()))

    def test_flush_times_out_while_delivery_is_held(self):
        worker, collect = self.held()
        start = time.monotonic()
        self.assertFalse(worker.flush(0.1))
        self.assertLess(time.monotonic() - start, 5)
        collect.gate.set()
        self.assertTrue(worker.flush(5))

    def test_flush_does_not_wait_for_the_linger(self):
        worker, collect = self.worker(linger=60.0)
        worker.put('x')
        self.assertTrue(worker.flush(5))
        self.assertEqual(['x'], collect.items)

    def test_flush_of_a_worker_never_started_is_true(self):
        worker, _ = self.worker()
        self.assertTrue(worker.flush(0.1))

    def test_a_sleeping_worker_is_woken_by_a_put(self):
        worker, collect = self.worker(busy_for=0, idle_wait=60.0)
        worker.put('a')
        self.assertTrue(worker.flush(5))
        deadline = time.monotonic() + 5
        while not worker.sleeping and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(worker.sleeping)
        self.assertEqual(0, worker.slow_at)    # the next put wakes it
        worker.put('b')
        while collect.items != ['a', 'b'] and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(['a', 'b'], collect.items)

    def test_wake_every_cuts_a_linger_short(self):
        worker, collect = self.worker(linger=60.0, wake_every=50,
                                      batch_size=None)
        for i in range(49):
            worker.put(i)
        time.sleep(0.3)
        self.assertEqual([], collect.items)     # woken, lingering
        worker.put(49)                          # the 50th: a wake
        deadline = time.monotonic() + 5
        while len(collect.items) < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual([list(range(50))], collect.batches)

    def test_the_first_item_waits_a_linger(self):
        worker, collect = self.worker(linger=0.3)
        worker.put('x')
        time.sleep(0.05)
        self.assertEqual([], collect.items)
        deadline = time.monotonic() + 5
        while not collect.items and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(['x'], collect.items)

    def test_compact_after_queues_what_compact_makes(self):
        worker, collect = self.held(compact_after=2,
                                    compact=lambda item: ('row', item))
        for i in range(4):
            worker.put(i)
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual(['first', 0, 1, ('row', 2), ('row', 3)],
                         collect.items)

    def test_compact_returning_none_queues_nothing(self):
        worker, collect = self.held(compact_after=1,
                                    compact=lambda item: None)
        self.assertTrue(worker.put('kept'))
        self.assertTrue(worker.put('gone'))
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual(['first', 'kept'], collect.items)

    def test_a_delivery_that_raises_leaves_the_thread_running(self):
        batches = []

        def deliver(batch):
            batches.append(batch)
            if len(batches) == 1:
                raise OSError('disk gone')
        worker = workers.Worker(deliver, 'raises', linger=0.001)
        self.addCleanup(worker.stop, 5)
        self.useFixture(fixtures.FakeLogger(
            name=workers.__name__))
        worker.put(1)
        self.assertTrue(worker.flush(5))
        worker.put(2)
        self.assertTrue(worker.flush(5))
        self.assertEqual([[1], [2]], batches)
        self.assertTrue(worker.is_alive())

    def test_stop_delivers_what_waits_then_ends_and_refuses_puts(self):
        finished = []
        worker, collect = self.held()
        worker.finish = lambda: finished.append(True)
        for i in range(5):
            worker.put(i)
        collect.gate.set()
        self.assertTrue(worker.stop(5))
        self.assertFalse(worker.is_alive())
        self.assertEqual(['first', 0, 1, 2, 3, 4], collect.items)
        self.assertEqual([True], finished)
        self.assertFalse(worker.put('late'))
        self.assertEqual(0, worker.pending())

    def test_stop_returns_false_when_the_join_times_out(self):
        worker, collect = self.held()
        self.assertFalse(worker.stop(0.05))
        collect.gate.set()
        worker.thread.join(5)
        self.assertFalse(worker.is_alive())

    def test_prepare_runs_on_the_thread_before_the_first_batch(self):
        order = []
        ready = threading.Event()

        def prepare():
            ready.wait(10)
            order.append(('prepare', threading.current_thread().name))

        def deliver(batch):
            order.append(('deliver', batch))
        worker = workers.Worker(deliver, 'prep', linger=0.001,
                                prepare=prepare)
        self.addCleanup(worker.stop, 5)
        self.addCleanup(ready.set)
        worker.put(1)
        worker.put(2)       # queued while prepare waits
        self.assertEqual(2, worker.pending())
        ready.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual([('prepare', 'tidings-prep'), ('deliver', [1, 2])],
                         order)

    def test_tick_runs_at_each_look_at_least_every_idle_wait(self):
        ticks = []
        worker, collect = self.worker(busy_for=0, idle_wait=0.05,
                                      tick=lambda: ticks.append(
                                          threading.current_thread().name))
        worker.put('x')
        self.assertTrue(worker.flush(5))
        time.sleep(0.5)                         # asleep: idle_wait looks
        self.assertGreaterEqual(len(ticks), 5)
        self.assertEqual({'tidings-test'}, set(ticks))

    def test_take_all_empties_the_queue_for_the_owner(self):
        worker, collect = self.held()
        for i in range(3):
            worker.put(i)
        self.assertEqual([0, 1, 2], worker.take_all())
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual(['first'], collect.items)


class TestForkPolicy(WorkerTestCase):

    def test_the_childs_first_put_starts_a_new_thread_and_delivers(self):
        starts = []
        worker, collect = self.worker()
        worker.on_start = starts.append
        worker.put('parent')
        self.assertTrue(worker.flush(5))
        collect.gate.clear()
        worker.put('held')          # in the parent's hands at fork time
        self.assertTrue(collect.entered.wait(5))
        worker.put('waiting')       # queued in the parent at fork time
        parent_thread = worker.thread

        def child():
            before = (worker.thread, worker.pending(), worker.slow_at)
            collect.batches.clear()
            collect.gate.set()
            worker.put('child')
            flushed = worker.flush(5)
            return repr((before, flushed, collect.items, starts,
                         worker.thread is not parent_thread,
                         worker.thread.is_alive(), os.getpid()))
        out = forking.in_child(child)
        self.assertTrue(out, 'the child returned nothing')
        before, flushed, items, child_starts, new_thread, alive, pid = \
            ast.literal_eval(out)
        # marked not started, its queue empty: what the parent queued is
        # the parent's to deliver
        self.assertEqual((None, 0, 0), before)
        self.assertEqual((True, ['child']), (flushed, items))
        self.assertEqual([False, True], child_starts)   # on_start(forked)
        self.assertTrue(new_thread and alive)
        self.assertNotEqual(os.getpid(), pid)
        # the parent goes on with its own
        collect.gate.set()
        self.assertTrue(worker.flush(5))
        self.assertEqual(['parent', 'held', 'waiting'], collect.items)

    def test_a_stopped_worker_stays_stopped_in_the_child(self):
        worker, _ = self.worker()
        worker.put('x')
        worker.stop(5)
        self.assertEqual('False', forking.in_child(
            lambda: repr(worker.put('late'))))

    def test_every_registered_thing_is_reset_in_the_child(self):
        class Owner:
            reset = False

            def forked(self):
                self.reset = True
        owner = Owner()
        workers.reset_in_child(owner)
        self.assertEqual('True', forking.in_child(lambda: repr(owner.reset)))
        self.assertFalse(owner.reset)
