"""The status line of long commands (tidings/cmd/progress.py)."""

import io

import testtools

from tidings.cmd import progress


class Clock:
    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now


def stream(tty):
    out = io.StringIO()
    out.isatty = lambda: tty
    return out


class TestStepProgress(testtools.TestCase):
    def make(self, tty):
        clock = Clock()
        out = stream(tty)
        steps = progress.StepProgress(out, clock=clock)
        steps.tick = 3600      # the tests call redraw() themselves
        self.addCleanup(steps.end)
        return steps, clock, out

    def test_plain_lines_say_each_step_and_its_time(self):
        steps, clock, out = self.make(tty=False)
        steps('0002 (1 of 1): CREATE INDEX ix_a ON t (a)')
        clock.now = 125.0
        steps('0002 (1 of 1): DROP INDEX ix_b')
        clock.now = 126.0
        steps(None)
        self.assertEqual([
            '0002 (1 of 1): CREATE INDEX ix_a ON t (a)',
            '0002 (1 of 1): CREATE INDEX ix_a ON t (a) ... done in 2m05s',
            '0002 (1 of 1): DROP INDEX ix_b',
            '0002 (1 of 1): DROP INDEX ix_b ... done in 1s'],
            out.getvalue().splitlines())

    def test_a_terminal_gets_each_step_redrawn_then_ended_on_its_line(self):
        steps, clock, out = self.make(tty=True)
        steps('CREATE INDEX ix_a')
        clock.now = 3.0
        steps(None)
        self.assertEqual('\rCREATE INDEX ix_a\033[K'
                         '\rCREATE INDEX ix_a ... done in 3s\033[K\n',
                         out.getvalue())

    def test_a_long_step_is_redrawn_with_its_time_so_far(self):
        steps, clock, out = self.make(tty=True)
        steps('CREATE INDEX ix_a')
        for _ in range(2):
            clock.now += 61.0
            steps.redraw()
        self.assertEqual(['', 'CREATE INDEX ix_a\033[K',
                          'CREATE INDEX ix_a ... 1m01s\033[K',
                          'CREATE INDEX ix_a ... 2m02s\033[K'],
                         out.getvalue().split('\r'))

    def test_without_a_terminal_a_long_step_is_said_every_few_seconds(self):
        steps, clock, out = self.make(tty=False)
        steps('CREATE INDEX ix_a')
        for _ in range(6):
            clock.now += 4.0
            steps.redraw()
        self.assertEqual(['CREATE INDEX ix_a',
                          'CREATE INDEX ix_a ... 12s',
                          'CREATE INDEX ix_a ... 24s'],
                         out.getvalue().splitlines())

    def test_end_after_an_interruption_leaves_the_cursor_on_a_new_line(self):
        steps, _, out = self.make(tty=True)
        steps('CREATE INDEX ix_a')
        steps.end()
        self.assertTrue(out.getvalue().endswith('\033[K\n'))
        self.assertIsNone(steps.ticker)


class TestDuration(testtools.TestCase):
    def test_seconds_minutes_hours(self):
        self.assertEqual(['0s', '59s', '1m00s', '59m59s', '1h00m', '2h05m'],
                         [progress.duration(s) for s in (
                             0, 59, 60, 3599, 3600, 7500)])
