"""Check payload fingerprints against a lock file from a test suite.

One line in a service's tests keeps its payloads honest::

    def test_payloads_are_locked(self):
        assert_fingerprints_locked(self, 'myservice/payloads.lock.json',
                                   modules=['myservice.notifications'],
                                   catalogs=())

It runs the same check as ``tidings fingerprints check`` and fails with the
same report: what changed, field by field, and the version bump needed.
"""

from tidings.cmd import fingerprints as fp_cmd
from tidings.objects import lockfile


def fingerprint_report(lock_path=None, modules=(), catalogs=None):
    """The :class:`~tidings.objects.lockfile.Report` of the check.

    ``catalogs``: None for every installed catalog, a list of names, or
    ``()`` for none (only ``modules``).
    """
    lock = lockfile.LockFile.load(lock_path or fp_cmd.DEFAULT_LOCK)
    classes = fp_cmd.collect(modules, catalogs or None,
                             no_catalogs=catalogs is not None
                             and not catalogs)
    return lockfile.check(classes, lock)


def assert_fingerprints_locked(testcase=None, lock_path=None, modules=(),
                               catalogs=None):
    """Fail (``testcase.fail`` or AssertionError) unless every payload's
    VERSION is locked with its current fingerprint."""
    report = fingerprint_report(lock_path, modules, catalogs)
    if not report.ok:
        message = ('payload fingerprints do not match the lock file:\n'
                   + report.text(verbose=False))
        if testcase is not None:
            testcase.fail(message)
        raise AssertionError(message)
    return report
