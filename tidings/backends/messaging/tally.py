"""The tally: what a process holds in memory, in a file a ``kill -9``
leaves behind.

In the default mode (``persist_before_return = false``) a notification
lives in the process's memory between the caller's return and its
confirm by the broker, or its write to the outbox.  A process killed in
that moment loses it.  The outbox ledger (see
:mod:`tidings.backends.messaging.outbox`) records the figure a few times
a second, so the next holder of the slot can say how many were lost;
what was accepted after its last record escaped it.

The tally closes that gap.  It is a file mapping of a few 64-bit cells,
written as the figures change and read by the next holder of the slot
(on the same host) when the process is gone:

- the caller's thread stores the sequence number of each notification it
  accepts in ``LAST`` (one store into shared memory: no system call, no
  lock; the kernel keeps the page when the process dies, whatever kills
  it);
- a sender adds a batch to ``DONE`` once the broker confirmed it, and
  a drop (both queues full) adds its notification, under a lock;
- a write to the outbox adds the notifications it holds to ``STORED``,
  and records the sum in the outbox ledger in the same transaction as
  the rows (:meth:`Outbox.put
  <tidings.backends.messaging.outbox.Outbox.put>`), so a kill between
  the commit and the store into the cells loses nothing of the figure:
  the larger of the two is the one;
- sequence numbers the process used for something else go to
  ``SKIPPED``.

What the process held is then ``LAST - FIRST + 1 - SKIPPED - DONE -
STORED``: exact to the notification, except for a call in progress on
another thread at the moment of the kill (its caller had not returned
yet), and a batch whose confirm had just arrived and was not yet added,
counted held although the broker has it (the one direction a doubt may
go: reported, never missed).

An operating-system crash loses the page like any unsynced write; the
ledger's last record is the figure then.
"""

import mmap
import os
import threading

#: The cells, in order (each a signed 64-bit integer).
MAGIC, PID, FIRST, LAST, SKIPPED, DONE, STORED = range(7)
#: Written last by :meth:`Tally.begin`: a file without it holds nothing.
_MAGIC = 0x7469646e67730001     # "tidngs" and a layout version
_SIZE = 64
_CELLS = STORED + 1


class Tally:
    """The cells of one outbox slot, mapped from ``path`` (created when
    missing).  :attr:`cells` is what the caller's thread stores into.
    Without a path the cells are plain memory, for an outbox with no
    local directory: the ledger's last record is then all the next
    holder learns."""

    def __init__(self, path=None):
        self.path = path
        self._lock = threading.Lock()
        self._map = None
        if path is None:
            self.cells = [0] * _CELLS
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:
                os.ftruncate(fd, _SIZE)
            self._map = mmap.mmap(fd, _SIZE)
        finally:
            os.close(fd)
        self.cells = memoryview(self._map).cast('q')

    def left_by(self, pid, stored=0):
        """What the process ``pid``, an earlier holder of the slot, held
        when it ended (None when the cells are not that process's: it
        never wrote them, or someone began since).  ``stored``: what its
        ledger's last record says it wrote to the outbox."""
        cells = self.cells
        if self._map is None or cells[MAGIC] != _MAGIC or cells[PID] != pid:
            return None
        return self._held(cells, stored)

    def begin(self, first_seq):
        """This process holds the slot from now on; its first sequence
        number is ``first_seq``."""
        cells = self.cells
        cells[MAGIC] = 0
        cells[PID] = os.getpid()
        cells[FIRST] = first_seq
        cells[LAST] = first_seq - 1
        cells[SKIPPED] = 0
        cells[DONE] = 0
        cells[STORED] = 0
        cells[MAGIC] = _MAGIC

    def skip(self, count=1):
        """``count`` sequence numbers went to something else than a
        notification."""
        with self._lock:
            self.cells[SKIPPED] += count

    def done(self, count):
        """``count`` notifications were resolved: confirmed by the broker,
        or dropped (counted and logged).  (What goes to the outbox is
        added by the outbox: see :meth:`Outbox.put
        <tidings.backends.messaging.outbox.Outbox.put>`.)"""
        with self._lock:
            self.cells[DONE] += count

    def held(self):
        """What this process holds in memory now, by the tally."""
        return self._held(self.cells)

    @staticmethod
    def _held(cells, stored=0):
        return max(0, cells[LAST] - cells[FIRST] + 1 - cells[SKIPPED]
                   - cells[DONE] - max(cells[STORED], stored))

    def end(self):
        """A clean end: the cells say nothing any more."""
        self.cells[MAGIC] = 0
