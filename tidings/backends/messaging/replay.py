"""The replay thread: the outbox back to the broker, in order.

:func:`run` is the thread's loop (started by the backend with the
backend as argument); :class:`_Replay` what it holds between two
batches.  It reads the rows it may replay through the backend's
diversion (``replay_rows``), which also hears how the broker answered
(``failed``, ``answered``); publishes through its senders (``publish``:
the same accounting as the sender threads'); and takes over what
processes that are gone left through its ledger (``adopt``).  What the
thread does is the backend's delivery state's (see
:mod:`~tidings.backends.messaging.states`): nothing in ``normal``, check
the broker in ``diverting``, replay in ``draining``, wait in
``blocked``.
"""

import random
import time

from tidings.backends.messaging import publishers
from tidings.backends.messaging import states


def probe_wait(delay):
    """Seconds before the next check of a broker that is down: drawn
    between 0.75 and 1.25 times ``delay`` (processes that lost the
    same broker do not all knock at the same instant)."""
    return delay * (0.75 + 0.5 * random.random())


def run(backend):
    """Replay the outbox, in order, while it is in use.

    While the broker is down the thread checks it (a connection, no
    row read) every ``retry_interval`` seconds, doubling up to
    ``retry_interval_max``, jittered; once it answers, it replays
    batches of ``replay_batch`` rows through the pipelined publisher:
    while a batch's last windows await their confirms, the rows the
    previous batch had confirmed are deleted (one statement) and the
    next batch is read, so the broker and the outbox work at the same
    time.  A row is deleted only once confirmed.  With
    ``persist_before_return``, a batch smaller than a confirm window
    (the replay caught up with the callers) is followed by a wait of
    about ``sender_linger``: each batch is a read, a publish and a
    delete on the thread the callers share the interpreter with, and
    batches of one or two rows made as many of them as the callers'
    inserts."""
    delay = backend.group.retry_interval
    sender = None
    replay = _Replay(backend)
    while not backend.stopping.is_set():
        if (backend.adopt_interval and time.monotonic()
                - backend.ledger.adopted_at >= backend.adopt_interval):
            # (adopted rows go ahead of ours: read afresh)
            replay.settle()
            backend.ledger.adopt()
        state = backend.delivery.state
        if state is states.NORMAL or state is states.BLOCKED:
            # nothing to replay, or nothing may be sent
            replay.settle()
            backend.replay_wake.wait(backend.IDLE_WAIT)
            backend.replay_wake.clear()
            if backend.persist_first and state is states.NORMAL:
                # let a few more arrive (as a sender lingers)
                time.sleep(backend.linger * (0.5 + random.random()))
            continue
        if state is states.DIVERTING:
            # A sender just failed: see that the broker answers before
            # reading any row (reading and parsing a batch for nothing
            # is Python work under the GIL that the callers' threads
            # would wait for).
            replay.settle()
            backend.stopping.wait(probe_wait(delay))
            if backend.stopping.is_set():
                break
            if sender is None:
                sender = backend.senders.new_sender()
            try:
                sender.probe()
            except Exception as exc:
                backend.diversion.failed(publishers.bare(exc))
                delay = min(delay * 2, backend.group.retry_interval_max)
                continue
        try:
            rows = replay.next_rows()
        except Exception as exc:
            backend.diversion.outbox_failed(exc)
            backend.stopping.wait(delay)
            continue
        if not rows:
            replay.settle()
            with backend.outbox.lock:
                if backend.outbox.count == 0 and \
                        not backend.overflow_queue.pending():
                    backend.delivery.fire(states.EMPTIED)
                    continue
            backend.stopping.wait(0.005)
            continue
        if sender is None:
            sender = backend.senders.new_sender()
        confirmed, failure, returned = backend.senders.publish(
            sender, rows, 'replayed', ahead=replay.ahead(rows))
        replay.confirmed(rows, confirmed, returned)
        if failure is not None or returned:
            # what was read ahead would go before what is kept
            replay.settle()
        if failure is not None:
            backend.diversion.failed(failure)
            delay = min(delay * 2, backend.group.retry_interval_max)
            continue
        if returned:
            # Kept; the sender declares the default queues again
            # before the next round.
            backend.stopping.wait(delay)
            continue
        delay = backend.group.retry_interval
        backend.diversion.answered()
        with backend.idle:
            backend.idle.notify_all()
        if backend.persist_first and len(rows) < backend.batch_size:
            # Caught up with the callers: let a few more arrive (as a
            # sender lingers) before the next batch.
            backend.stopping.wait(backend.linger * (0.5 + random.random()))
    replay.settle()
    if sender is not None:
        sender.close()


class _Replay:
    """What the replay thread holds between two batches: the rows read
    ahead (the next batch, read while the broker confirmed the last one)
    and the rows the broker confirmed but the outbox still holds (deleted
    in one statement during the next batch's confirms, or before the
    outbox is read afresh: a fresh read would return them again)."""

    def __init__(self, backend):
        self.backend = backend
        self.upcoming = None     # rows read ahead, or None
        self.done = []           # confirmed, not deleted yet
        self.done_run = False    # done is a run of one read (none returned)

    def next_rows(self):
        rows, self.upcoming = self.upcoming, None
        if rows is None:
            self.settle()
            rows = self.backend.diversion.replay_rows()
        return rows

    def ahead(self, rows):
        """The sender's ``ahead`` for a publish of ``rows``."""
        def work():
            self.delete_done()
            try:
                self.upcoming = self.backend.diversion.replay_rows(
                    after=rows[-1])
            except Exception as exc:
                # read afresh next round
                self.backend.diversion.outbox_failed(exc)
        return work

    def confirmed(self, rows, count, returned):
        """``count`` first ``rows`` were confirmed, ``returned`` among
        them came back: the others can go."""
        self.delete_done()
        if returned:
            kept = set(map(id, returned))
            self.done = [row for row in rows[:count] if id(row) not in kept]
            self.done_run = False
        else:
            # a run of one outbox read: one range statement
            self.done = rows[:count]
            self.done_run = True

    def delete_done(self):
        done, self.done = self.done, []
        if done:
            outbox = self.backend.outbox
            try:
                if self.done_run:
                    outbox.delete_read(done)
                else:
                    outbox.delete(done)
            except Exception as exc:
                self.backend.diversion.outbox_failed(exc)

    def settle(self):
        """Nothing read ahead, nothing confirmed left in the outbox."""
        self.upcoming = None
        self.delete_done()
