"""The bad-input corpus: every wrong thing a user, an operator or a
consumer can hand tidings, and the clear error each one gets.

One module per area (``test_api``, ``test_cli``, ``test_config``,
``test_validate``...).  Each case asserts a typed error
(:class:`~tidings.objects.errors.TidingsError`) or a documented non-zero
exit code, whose message names the thing, the value and what is accepted,
and that no traceback is printed.  Cases are listed in tables where they
share a shape, so the corpus reads as a list of inputs and answers.
"""

import builtins
import contextlib
import io
import logging
import os
from unittest import mock

import fixtures

from tests import testcase
from tidings.cmd import main as main_mod
from tidings.objects import errors


@contextlib.contextmanager
def unreadable(path):
    """``open(path)`` raises PermissionError inside the block, as for a
    file of mode 000 (root reads every file whatever its mode, so the
    mode alone proves nothing in CI)."""
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if file == path:
            raise PermissionError(13, 'Permission denied', path)
        return real_open(file, *args, **kwargs)

    with mock.patch('builtins.open', deny):
        yield


class BadInputCase(testcase.TestCase):
    """Assertions shared by the corpus."""

    def assertClearError(self, exc, *fragments):
        """``exc`` is a TidingsError whose message holds every fragment
        (the thing, the value, what is accepted)."""
        self.assertIsInstance(exc, errors.TidingsError, repr(exc))
        text = str(exc)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertNotIn('Traceback', text)
        return text

    def assertRaisesClear(self, fragments, func, *args, **kwargs):
        """``func(*args, **kwargs)`` raises a TidingsError whose message
        holds every fragment; returns the exception."""
        try:
            func(*args, **kwargs)
        except errors.TidingsError as exc:
            self.assertClearError(exc, *fragments)
            return exc
        except Exception as exc:  # pragma: no cover - the failure path
            self.fail('%s raised %s, not a TidingsError: %s' % (
                getattr(func, '__name__', func), type(exc).__name__, exc))
        self.fail('%s accepted the bad input' % (
            getattr(func, '__name__', func),))

    def tmp_dir(self):
        """A folder of this test's (removed afterwards)."""
        if not hasattr(self, '_tmp'):
            self._tmp = self.useFixture(fixtures.TempDir()).path
        return self._tmp

    def write(self, name, content):
        """Write ``content`` (text or bytes) to ``name`` in
        :meth:`tmp_dir`; returns the path."""
        path = os.path.join(self.tmp_dir(), name)
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(path, mode) as handle:
            handle.write(content)
        return path

    def run_tidings(self, *argv):
        """``(exit code, stdout, stderr)`` of ``tidings *argv``, run
        in-process, with log records of tidings captured into stderr."""
        out, err = io.StringIO(), io.StringIO()
        handler = logging.StreamHandler(err)
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            with fixtures.MonkeyPatch('sys.stdout', out), \
                    fixtures.MonkeyPatch('sys.stderr', err):
                try:
                    code = main_mod.main([str(a) for a in argv])
                except SystemExit as exc:  # argparse usage errors
                    code = exc.code
        finally:
            root.removeHandler(handler)
        return code, out.getvalue(), err.getvalue()

    def assertCliRefuses(self, argv, fragments, code=2):
        """``tidings *argv`` exits ``code`` with one clear message on
        stderr holding every fragment, and prints no traceback."""
        got, out, err = self.run_tidings(*argv)
        self.assertEqual(code, got, 'exit code of tidings %s\nstdout: %s\n'
                         'stderr: %s' % (' '.join(map(str, argv)), out, err))
        self.assertNotIn('Traceback', err + out)
        for fragment in fragments:
            self.assertIn(fragment, err)
        return err
