"""The ``tidings`` entry point itself."""

import subprocess
import sys

import testtools


class TestClosedPipe(testtools.TestCase):

    def test_reader_closing_the_pipe_prints_no_traceback(self):
        # ``tidings events list -f json | head -1``: the JSON is larger
        # than a pipe buffer, so the write fails once the reader is gone.
        proc = subprocess.Popen(
            [sys.executable, '-c',
             'import sys; from tidings.cmd import main; '
             'sys.exit(main.main())', 'events', 'list', '-f', 'json'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(b'[', proc.stdout.read(1))
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        self.assertEqual(1, proc.wait(timeout=60))
        self.assertNotIn('Traceback', err)
        self.assertNotIn('BrokenPipeError', err)
