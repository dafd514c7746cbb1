"""Progress of long operator commands (``tidings events purge``,
``tidings db upgrade``): one status line redrawn in place on a terminal;
plain lines every :attr:`Progress.every` seconds, and whenever a line is
final, when the output is not a terminal (a cron job, a pipe, a log), so
those get a readable record instead of carriage returns.
"""

import shutil
import sys
import threading
import time


def duration(seconds):
    """``'45s'``, ``'3m07s'``, ``'1h02m'``."""
    seconds = int(round(seconds))
    if seconds >= 3600:
        return '%dh%02dm' % (seconds // 3600, seconds % 3600 // 60)
    if seconds >= 60:
        return '%dm%02ds' % (seconds // 60, seconds % 60)
    return '%ds' % seconds


class Progress:
    """The one status line of a command, on ``stream`` (stderr)."""

    every = 10.0

    def __init__(self, stream=None, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.clock = clock
        self.started = self.printed = None
        self.line = ''
        self.lock = threading.Lock()

    def elapsed(self, now):
        """Seconds from the first line to ``now`` (the clock starts at
        the first line)."""
        if self.started is None:
            self.started = self.printed = now
        return now - self.started

    def show(self, line, final=False, now=None):
        """Show ``line``: redrawn on a terminal; otherwise printed when
        ``final`` or :attr:`every` seconds after the last one printed."""
        with self.lock:
            now = self.clock() if now is None else now
            self.elapsed(now)
            self.line = line
            if self.tty:
                # Longer than the terminal, it would wrap and the next
                # redraw would start on the wrapped row.
                width = shutil.get_terminal_size().columns - 1
                if len(line) > width > 3:
                    line = line[:width - 3] + '...'
                self.stream.write('\r' + line + '\033[K'
                                  + ('\n' if final else ''))
                if final:
                    self.line = ''
                self.stream.flush()
            elif final or now - self.printed >= self.every:
                self.stream.write(line + '\n')
                self.stream.flush()
                self.printed = now

    def end(self):
        """Leave the terminal's cursor on a new line."""
        with self.lock:
            if self.tty and self.line:
                self.stream.write('\n')
                self.stream.flush()
                self.line = ''


class PurgeProgress(Progress):
    """Rows done, rate and time left of a purge: ``progress(done,
    total)`` after each chunk."""

    def __call__(self, done, total):
        now = self.clock()
        elapsed = self.elapsed(now)
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate else None
        line = '%d/%d event(s) deleted (%d%%), %.0f/s, %s left' % (
            done, total, 100 * done // total if total else 100, rate,
            duration(left) if left is not None else '?')
        if self.tty or done:
            self.show(line, final=not self.tty and done >= total, now=now)


class StepProgress(Progress):
    """What a long command is doing now and for how long: ``progress(
    'what')`` when a step begins, ``progress(None)`` when the last one
    ended.  Each step ends in a line of its own with its time (``... done
    in 2m03s``); while one runs, a thread redraws it every second with
    the time so far on a terminal, or prints it every :attr:`every`
    seconds otherwise (an index build on millions of rows takes
    minutes: the operator sees it is alive)."""

    tick = 1.0

    def __init__(self, stream=None, clock=time.monotonic):
        super().__init__(stream, clock)
        self.step = self.step_started = None
        self.ticking = threading.Event()
        self.ticker = None

    def __call__(self, step):
        self._finish()
        if step is None:
            self._stop_ticker()
            return
        self.step, self.step_started = step, self.clock()
        self.show(step, final=not self.tty)
        if self.ticker is None:
            self.ticker = threading.Thread(target=self._tick, daemon=True)
            self.ticker.start()

    def _finish(self):
        step, started = self.step, self.step_started
        if step is not None:
            self.step = None
            self.show('%s ... done in %s' % (
                step, duration(self.clock() - started)), final=True)

    def _tick(self):
        while not self.ticking.wait(self.tick):
            self.redraw()

    def redraw(self):
        """Show the step running with its time so far (every
        :attr:`tick` seconds, from the ticker thread)."""
        step, started = self.step, self.step_started
        if step is not None:
            self.show('%s ... %s' % (step, duration(self.clock() - started)))

    def _stop_ticker(self):
        if self.ticker is not None:
            self.ticking.set()
            self.ticker.join()
            self.ticker = None

    def end(self):
        """The command stopped (an error, Ctrl-C): stop redrawing."""
        self._stop_ticker()
        super().end()
