"""Check payload fingerprints against a lock file from a test suite.

One line in a service's tests keeps its payloads honest::

    def test_payloads_are_locked(self):
        assert_fingerprints_locked(self, registry=EVENTS)

It checks every payload of the catalog ``EVENTS`` (and the payloads they
nest) against the catalog's own lock file (see
:func:`tidings.catalogs.contract`), runs the same check as ``tidings
fingerprints check`` and fails with the same report: what changed, field by
field, and the version bump needed.  ``lock_path=`` names another lock
file; ``modules=`` and ``catalogs=`` select payloads as the command's
``--module`` and ``--catalog`` do.
"""

from tidings import catalogs as catalogs_mod
from tidings.catalogs import collect as collect_mod
from tidings.objects import introspect
from tidings.objects import lockfile
from tidings.testing import _contract


def _fail(testcase, message):
    if testcase is not None:
        testcase.fail(message)
    raise AssertionError(message)


def fingerprint_report(lock_path=None, modules=(), catalogs=None,
                       registry=None):
    """The :class:`~tidings.objects.lockfile.Report` of the check.

    ``registry``: an EventRegistry whose payloads are checked, against its
    contract's lock file unless ``lock_path`` says otherwise.  Else
    ``catalogs``: None for every installed catalog, a list of names, or
    ``()`` for none (only ``modules``).
    """
    if registry is not None:
        lock_path = _contract.contract_path(registry, lock_path, 'lock',
                                            'lock file', 'lock_path')
        classes = list(registry.payload_classes())
        for name in modules:
            classes.extend(collect_mod.module_payload_classes(name))
        classes = introspect.with_nested(classes)
    else:
        classes = collect_mod.collect(modules, catalogs or None,
                                      no_catalogs=catalogs is not None
                                      and not catalogs)
    lock = lockfile.LockFile.load(lock_path or catalogs_mod.LOCK_FILE)
    return lockfile.check(classes, lock)


def assert_fingerprints_locked(testcase=None, lock_path=None, modules=(),
                               catalogs=None, registry=None):
    """Fail (``testcase.fail`` or AssertionError) unless every payload's
    VERSION is locked with its current fingerprint, and there was at least
    one payload to check."""
    report = fingerprint_report(lock_path, modules, catalogs, registry)
    if not report.results:
        _fail(testcase, 'no payload to check: the selection (%s) holds '
              'none' % (registry.name if registry is not None else
                        ', '.join(modules) or 'catalogs'))
    if not report.ok:
        _fail(testcase, 'payload fingerprints do not match the lock file:\n'
              + report.text(verbose=False))
    return report
