"""Log a repeated problem once per burst, with a count.

Used by the notifier (a backend that raises), the periodic emitter and the
backends (a broker or database that stays down); it imports nothing of
tidings, so every layer can use it (see doc/source/architecture.rst).
"""

import logging
import threading
import time


class BurstLog:
    """Log a repeated problem once per burst, with a count.

    The first occurrence is logged at once; further ones within ``quiet``
    seconds of the previous are counted silently; the next occurrence
    after a quiet gap logs how many were suppressed.  :meth:`summary`
    writes out what is pending (called on flush/close).
    """

    def __init__(self, logger, what, quiet=30.0, level=logging.WARNING):
        self.logger = logger
        self.what = what
        self.quiet = quiet
        self.level = level
        self.total = 0
        self._pending = 0
        self._last = None
        self._lock = threading.Lock()

    def record(self, detail, count=1):
        now = time.monotonic()
        with self._lock:
            self.total += count
            in_burst = self._last is not None and now - self._last < \
                self.quiet
            self._last = now
            if in_burst:
                self._pending += count
                return False
            pending, self._pending = self._pending, 0
        if pending:
            self.logger.log(self.level, '%s: %d more since the last report',
                            self.what, pending)
        self.logger.log(self.level, '%s: %s (further ones within %.0fs are '
                        'counted and reported once)', self.what, detail,
                        self.quiet)
        return True

    def summary(self):
        with self._lock:
            pending, self._pending = self._pending, 0
        if pending:
            self.logger.log(self.level, '%s: %d more since the last report '
                            '(%d in all)', self.what, pending, self.total)
        return pending
