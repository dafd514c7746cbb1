"""Periodic notifications: usage, ``exists`` and quota reports.

A :class:`PeriodicTask` calls ``collect(period_start, period_end)`` once per
audit period and emits one notification per payload it yields::

    task = PeriodicTask(notifier, EVENTS.EVENT_TYPE_TABLE_USAGE,
                        interval=conf.magnetodb.usage_interval,
                        collect=lambda start, end: usage_payloads(start, end))
    task.start()

An interval below zero disables the task (``start`` does nothing); zero is a
configuration error.  The task runs on a daemon thread; ``run_once`` runs one
period synchronously (tests, cron-style callers).  ``collect`` may yield
payloads or ``(payload, context)`` pairs.  A failing ``collect`` is logged once
per burst and the next period still runs.
"""

import datetime
import logging
import math
import threading

from tidings import burstlog
from tidings.objects import errors

LOG = logging.getLogger(__name__)


def check_interval(group, option, value):
    """Raise ConfigError unless ``value`` is a usable interval (< 0 off):
    a finite number, not 0 (nor None, NaN, an infinity, a bool, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            value == 0 or not math.isfinite(value):
        raise errors.ConfigError(
            group, option, value,
            'a finite number of seconds > 0, or < 0 to disable; 0, NaN, '
            'infinities and non-numbers are not accepted')
    return value


class PeriodicTask:
    def __init__(self, notifier, event, interval, collect, name=None,
                 option=('notifications', 'interval'), clock=None):
        self.notifier = notifier
        self.event = notifier.resolve(event)
        self.interval = check_interval(option[0], option[1], interval)
        if not callable(collect):
            raise errors.ArgumentError(
                'PeriodicTask collect', collect,
                'a callable (period_start, period_end) yielding payloads '
                'or (payload, context) pairs')
        if clock is not None and not callable(clock):
            raise errors.ArgumentError(
                'PeriodicTask clock', clock,
                'a callable returning a naive UTC datetime, or None')
        self.collect = collect
        self.name = name or self.event.name
        self._clock = clock or (lambda: datetime.datetime.now(
            datetime.timezone.utc).replace(tzinfo=None))
        self._stop = threading.Event()
        self._thread = None
        self._period_start = None
        self.runs = 0
        self.emitted = 0
        self._errors = burstlog.BurstLog(
            LOG, 'periodic task %s failed' % self.name, quiet=3600)

    @property
    def enabled(self):
        return self.interval > 0

    def run_once(self, period_start=None, period_end=None):
        """Emit the notifications of one period; returns how many."""
        period_end = period_end or self._clock()
        if period_start is None:
            period_start = self._period_start or (
                period_end - datetime.timedelta(seconds=abs(self.interval)))
        count = 0
        try:
            for item in self.collect(period_start, period_end) or ():
                payload, context = (item if isinstance(item, tuple)
                                    else (item, None))
                if self.notifier.notify(self.event, payload, context):
                    count += 1
        except Exception as exc:
            self._errors.record('%s: %s' % (type(exc).__name__, exc))
        self._period_start = period_end
        self.runs += 1
        self.emitted += count
        return count

    def start(self):
        if not self.enabled or self._thread is not None:
            return False
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name='tidings-periodic-%s'
                                        % self.name)
        self._thread.start()
        return True

    def _loop(self):
        self._period_start = self._clock()
        while not self._stop.wait(self.interval):
            self.run_once()

    def stop(self, timeout=5.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
