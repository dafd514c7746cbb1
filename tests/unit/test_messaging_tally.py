"""The tally: what a process holds in memory, kept in a file mapping
that outlives the process."""

import os
import signal
import subprocess
import sys

import fixtures
import testtools

from tidings.backends.messaging import tally as tally_mod

#: A process that begins a tally, accepts 10 notifications (seqs 5-14),
#: resolves 3, skips a seq, says so and waits to be killed.
KILLED = r'''
import sys, time
from tidings.backends.messaging import tally
t = tally.Tally(sys.argv[1])
t.begin(5)
for seq in range(5, 15):
    t.cells[tally.LAST] = seq
t.done(3)
t.skip()
print(t.held(), flush=True)
time.sleep(60)
'''


class TestTally(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.path = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'slot-0.tally')

    def test_held_is_accepted_less_resolved_and_skipped(self):
        tally = tally_mod.Tally(self.path)
        tally.begin(100)
        self.assertEqual(0, tally.held())
        for seq in range(100, 110):
            tally.cells[tally_mod.LAST] = seq
        self.assertEqual(10, tally.held())
        tally.done(4)
        tally.skip(2)
        self.assertEqual(4, tally.held())
        tally.done(4)
        self.assertEqual(0, tally.held())

    def test_a_killed_process_leaves_its_figure_in_the_file(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        child = subprocess.Popen(
            [sys.executable, '-c', KILLED, self.path],
            stdout=subprocess.PIPE, text=True, cwd=root)
        self.addCleanup(child.wait, 10)
        said = int(child.stdout.readline())
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        after = tally_mod.Tally(self.path)
        self.assertEqual((6, 6), (said, after.left_by(child.pid)))
        # another process's cells, or none: not this one's figure
        self.assertIsNone(after.left_by(child.pid + 1))
        after.end()
        self.assertIsNone(after.left_by(child.pid))

    def test_cells_begun_anew_are_not_the_earlier_holders(self):
        first = tally_mod.Tally(self.path)
        first.begin(1)
        first.cells[tally_mod.LAST] = 3
        second = tally_mod.Tally(self.path)
        self.assertEqual(3, second.left_by(os.getpid()))
        second.begin(4)
        self.assertEqual(0, first.held())

    def test_without_a_file_the_tally_counts_and_tells_nothing(self):
        tally = tally_mod.Tally()
        tally.begin(1)
        tally.cells[tally_mod.LAST] = 5
        tally.done(2)
        self.assertEqual(3, tally.held())
        self.assertIsNone(tally.left_by(os.getpid()))
