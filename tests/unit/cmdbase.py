"""Run ``tidings`` in-process and capture what it prints."""

import io
import os

import fixtures
import testtools

from tidings.cmd import main as main_mod


class CommandTestCase(testtools.TestCase):

    def run_tidings(self, *argv):
        """``(exit code, stdout, stderr)`` of ``tidings *argv``."""
        out, err = io.StringIO(), io.StringIO()
        with fixtures.MonkeyPatch('sys.stdout', out), \
                fixtures.MonkeyPatch('sys.stderr', err):
            try:
                code = main_mod.main(list(argv))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
        return code, out.getvalue(), err.getvalue()

    def refused(self, *argv, code=2):
        """The stderr of ``tidings *argv``, which must exit ``code`` (2:
        a user error)."""
        got, out, err = self.run_tidings(*argv)
        self.assertEqual(code, got, 'tidings %s\nstdout: %s\nstderr: %s'
                         % (' '.join(map(str, argv)), out, err))
        return err

    def assertSays(self, result, code, *fragments, stream='out',
                   lacks=()):
        """``result``, the ``(exit code, stdout, stderr)`` of a run, has
        exit status ``code``, and its ``stream`` (``'out'`` or ``'err'``)
        holds every one of ``fragments`` and none of ``lacks``."""
        got, out, err = result
        self.assertEqual(code, got, 'stdout: %s\nstderr: %s' % (out, err))
        text = {'out': out, 'err': err}[stream]
        for fragment in fragments:
            self.assertIn(fragment, text)
        for fragment in lacks:
            self.assertNotIn(fragment, text)

    def write_conf(self, text, name='tidings.conf'):
        if not hasattr(self, '_conf_dir'):
            self._conf_dir = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(self._conf_dir, name)
        with open(path, 'w') as handle:
            handle.write(text)
        return path
