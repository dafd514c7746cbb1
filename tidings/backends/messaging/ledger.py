"""The crash ledger: what a process held in memory, and taking over.

Each process records in its outbox slot how many notifications it holds
in memory (accepted, neither confirmed by the broker nor in the outbox:
what a ``kill -9`` now would lose).  The overflow thread records it when
it changed, a write to the outbox in the same transaction, close and
exit when the process ends (a clean end says nothing is held).

One :class:`Ledger` per backend keeps that record, and takes over, at
startup, in a forked child and every ``adopt_interval``, the outbox rows
of processes that are gone (replayed ahead of this process's own), their
ledgers telling what they lost (one ERROR each, counted
``lost_at_crash``).  At interpreter exit (:func:`_at_exit`), a backend
never closed saves what it still queues to the outbox.
"""

import atexit
import logging
import time
import weakref

from tidings.backends.messaging import plan as plan_mod
from tidings.backends.messaging import states
from tidings.objects import urls

# (the backend's logger: what it logs did not move with the code)
LOG = logging.getLogger('tidings.backends.messaging.backend')

#: The ledgers of backends not closed yet, for :func:`_at_exit`.
_OPEN = weakref.WeakSet()


@atexit.register
def _at_exit():
    """At interpreter exit, what a backend that was never closed still
    holds in memory goes to the outbox (replayed by the next start) and
    is logged with its count; what a sender thread had on the wire
    without its confirm yet cannot be saved and is logged too.  (A
    process killed with ``kill -9`` runs nothing: see
    ``persist_before_return``.)"""
    for ledger in list(_OPEN):
        try:
            ledger.save_at_exit()
        except Exception:  # never fail the interpreter's exit
            LOG.exception('%s backend: could not save what was queued at '
                          'exit', ledger.backend.name)


class Ledger:
    """The outbox ledger of one backend, and the adoption of what
    processes that are gone left in the outbox."""

    def __init__(self, backend):
        self.backend = backend
        self.outbox = backend.outbox
        #: what the ledger says this process holds in memory
        self.recorded = 0
        #: when the last adoption ran (time.monotonic())
        self.adopted_at = 0.0

    def take_over(self):
        """At startup (and in a forked child): what this process's outbox
        slot holds, and what processes that are gone left in theirs, is
        replayed."""
        backend = self.backend
        left = self.outbox.count
        if backend.persist_first:
            # nothing is ever held in memory: nothing to record
            try:
                self.outbox.settled()
            except Exception as exc:
                backend.diversion.outbox_failed(exc)
        self.adopt()
        if self.outbox.count:
            backend.delivery.fire(states.QUEUED)
        if left:
            LOG.info('%s backend: %d message(s) left in the outbox %s by '
                     'an earlier run; replaying them', backend.name, left,
                     urls.mask_url(self.outbox.url))
        _OPEN.add(self)

    def adopt(self):
        """Take over the outbox rows of processes that are gone (ahead of
        ours: they are older than anything this process still holds)."""
        backend = self.backend
        self.adopted_at = time.monotonic()
        try:
            with self.outbox.lock:
                bound = backend.diversion.replay_bound()
                if bound is None:
                    bound = next(backend.seq)
                    self.outbox.tally.skip()
                adopted = self.outbox.adopt(bound)
                if adopted:
                    backend.delivery.fire(states.QUEUED)
        except Exception as exc:
            backend.diversion.outbox_failed(exc)
            return 0
        self.report_losses(self.outbox.take_losses())
        if adopted:
            backend.count('adopted', adopted)
            LOG.info('%s backend: took over %d message(s) that a process '
                     'which is gone left in the outbox %s; replaying them',
                     backend.name, adopted, urls.mask_url(self.outbox.url))
            backend.replay_wake.set()
        return adopted

    def report_losses(self, losses):
        """What processes that are gone held in memory when they ended,
        from their ledgers: one ERROR each, counted ``lost_at_crash``."""
        for loss in losses:
            self.backend.count('lost_at_crash', loss.count)
            if loss.exact:
                held = ('with %d notification(s) in memory when it ended, '
                        'by its tally' % loss.count)
                doubt = ('a batch on the wire whose confirm had just '
                         'arrived may be among them')
            else:
                held = ('with %d notification(s) in memory at its last '
                        'record (%s UTC)' % (loss.count, time.strftime(
                            '%Y-%m-%d %H:%M:%S',
                            time.gmtime(loss.written_at))))
                doubt = ('any it accepted after that record is lost too, '
                         'uncounted (and any it sent after it is counted '
                         'all the same)')
            LOG.log(
                logging.ERROR if loss.count else logging.WARNING,
                '%s backend: process %s on %s, which held slot %s of the '
                'outbox %s, ended without closing tidings (kill -9, the '
                'OOM killer, a crash) %s, neither confirmed by the broker '
                'nor written to the outbox: lost, counted lost_at_crash; '
                '%s.  [%s] persist_before_return = true loses none to a '
                'killed process', self.backend.name, loss.pid, loss.host,
                loss.owner, urls.mask_url(self.outbox.url), held, doubt,
                plan_mod.GROUP)

    def keep(self, final=False):
        """Record in the outbox ledger what this process holds in memory
        (``pending()``: accepted, neither confirmed nor in the outbox,
        what a ``kill -9`` now would lose) when it changed since the last
        record.  ``final`` (close, exit): the record goes when nothing is
        held (a clean end), else it says what is.  The overflow thread,
        close and exit only: never the caller's thread."""
        try:
            with self.outbox.lock:
                count = self.backend.pending()
                if final and not count:
                    self.outbox.settled()
                elif final or count != self.recorded:
                    self.outbox.record(count)
                self.recorded = count
        except Exception as exc:
            self.backend.diversion.outbox_failed(exc)

    def put(self, rows, resolving, settles=0):
        """``rows`` to the outbox, and in the same transaction the ledger
        without the ``resolving`` notifications they are (and the tally's
        STORED grown by ``settles``, see Outbox.put); how many rows the
        outbox kept.  (Under the outbox's lock.)"""
        count = max(0, self.backend.pending() - resolving)
        kept = self.outbox.put(rows, in_memory=count, settles=settles)
        self.recorded = count
        return kept

    def after_fork(self):
        """In a forked child: nothing recorded in our new slot yet."""
        self.recorded = 0

    def forget(self):
        """The backend is closing: nothing to save at exit."""
        _OPEN.discard(self)

    def save_at_exit(self):
        """What is still queued in memory to the outbox, logged; what is
        in flight (published, no confirm yet) logged as possibly lost.
        Returns ``(saved, in_flight)``."""
        backend = self.backend
        if backend.closed:
            return 0, 0
        if not backend.started:
            self.keep(final=True)   # nothing in memory: a clean end
            return 0, 0
        in_flight = backend.senders.in_flight()
        queued = backend.pending() - in_flight
        if queued > 0:
            backend.diversion.spill()
        # what was on the wire without its confirm stays counted in
        # memory: the next start reports it if it was not confirmed
        self.keep(final=True)
        if queued > 0 or in_flight:
            LOG.warning(
                '%s backend: at exit, without close(): %d notification(s) '
                'still queued in memory were written to the outbox %s (the '
                'next start replays them); %d published without their '
                'confirm yet may be lost', backend.name, max(queued, 0),
                urls.mask_url(self.outbox.url), in_flight)
        return max(queued, 0), in_flight
