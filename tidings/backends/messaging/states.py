"""The messaging backend's delivery states, and what moves it between them.

One :class:`Delivery` per backend says where a new notification goes and
what the replay thread does:

============  ==============================  ==============================
state         a sender thread's batch         the replay thread
============  ==============================  ==============================
normal        published                       sleeps (the outbox is empty)
diverting     behind the outbox               checks the broker every
                                              ``retry_interval`` (up to
                                              ``retry_interval_max``)
draining      behind the outbox               replays the outbox in order
blocked       behind the outbox; what is in   waits for the broker to lift
              flight waits for its confirm    its block
              on its connection
============  ==============================  ==============================

The transitions are the table :data:`TRANSITIONS`, drawn in the
architecture guide (a unit test checks that the drawing and the table
agree).  An event a state does not react to leaves it unchanged (the
pairs of :data:`UNCHANGED`); any other pair is a programming error.
"""

import threading

NORMAL = 'normal'
DIVERTING = 'diverting'
DRAINING = 'draining'
BLOCKED = 'blocked'
STATES = (NORMAL, DIVERTING, DRAINING, BLOCKED)

#: A publish (or a check of the broker) failed: no connection, no confirm
#: within ``publish_timeout``, a refused connection.
FAILED = 'failed'
#: Rows went to the outbox while the broker takes messages: the lanes'
#: overflow, rows adopted from a process that is gone, returned
#: (unroutable) rows, ``persist_before_return``.
QUEUED = 'queued'
#: The broker answered: a check of it or a publish succeeded.
ANSWERED = 'answered'
#: The replay found the outbox and the overflow empty (in ``diverting``:
#: after the broker answered its check).
EMPTIED = 'emptied'
#: The broker sent ``connection.blocked`` (a memory or disk alarm).
BLOCK = 'block'
#: The broker lifted its block on every connection.
UNBLOCK = 'unblock'
EVENTS = (FAILED, QUEUED, ANSWERED, EMPTIED, BLOCK, UNBLOCK)

#: (state, event) -> the next state.
TRANSITIONS = {
    (NORMAL, FAILED): DIVERTING,
    (NORMAL, QUEUED): DRAINING,
    (NORMAL, BLOCK): BLOCKED,
    (DIVERTING, ANSWERED): DRAINING,
    (DIVERTING, EMPTIED): NORMAL,
    (DIVERTING, BLOCK): BLOCKED,
    (DRAINING, FAILED): DIVERTING,
    (DRAINING, EMPTIED): NORMAL,
    (DRAINING, BLOCK): BLOCKED,
    (BLOCKED, UNBLOCK): DRAINING,
    (BLOCKED, FAILED): DIVERTING,
}

#: (state, event) pairs that leave the state as it is.
UNCHANGED = frozenset([
    (NORMAL, ANSWERED), (NORMAL, EMPTIED), (NORMAL, UNBLOCK),
    (DIVERTING, FAILED), (DIVERTING, QUEUED), (DIVERTING, UNBLOCK),
    (DRAINING, QUEUED), (DRAINING, ANSWERED), (DRAINING, UNBLOCK),
    (BLOCKED, QUEUED), (BLOCKED, ANSWERED), (BLOCKED, EMPTIED),
    (BLOCKED, BLOCK),
])


class Delivery:
    """The state of one backend, moved only by :meth:`fire`.

    :param on_change: called as ``on_change(old, new, event, detail)``
        after each change of state, outside the lock (the backend logs
        there: once per outage, once per block).
    """

    def __init__(self, on_change=None):
        self.state = NORMAL
        self.changes = 0
        self._lock = threading.Lock()
        self._on_change = on_change

    def reset(self):
        """Back to ``normal`` without an event (a forked child: its
        threads and outbox slot are new)."""
        self._lock = threading.Lock()
        self.state = NORMAL

    @property
    def diverting(self):
        """New notifications go behind the outbox."""
        return self.state is not NORMAL

    def fire(self, event, detail=None):
        """Apply ``event``; returns the state after it."""
        with self._lock:
            old = self.state
            new = TRANSITIONS.get((old, event))
            if new is None:
                if (old, event) not in UNCHANGED:
                    raise ValueError('no transition for event %r in state '
                                     '%r' % (event, old))
                return old
            self.state = new
            self.changes += 1
        if self._on_change is not None:
            self._on_change(old, new, event, detail)
        return new
