"""The one-line fingerprint check for users' test suites."""

import os

import fixtures
import testtools

from tests.unit import fptest_payloads as fp
from tests.unit import test_samples
from tidings import catalogs
from tidings.notifications import registry as registry_mod
from tidings.objects import lockfile
from tidings.testing import fingerprints as fp_testing

MODULE = 'tests.unit.fptest_payloads'


class TestAssertFingerprintsLocked(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.lock = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'lock.json')

    def write_lock(self, *classes):
        lock = lockfile.LockFile(self.lock)
        for cls in classes:
            lock.record(cls)
        lock.save()

    def test_bundled_catalogs_pass_against_the_committed_lock(self):
        report = fp_testing.assert_fingerprints_locked(self)
        self.assertTrue(report.ok)

    def test_module_payloads_pass_against_their_own_lock(self):
        self.write_lock(fp.PartPayload, fp.WidgetPayload)
        report = fp_testing.assert_fingerprints_locked(
            None, self.lock, modules=[MODULE], catalogs=())
        self.assertEqual(['fptest.PartPayload', 'fptest.WidgetPayload'],
                         [r.key for r in report.results])

    def test_mismatch_raises_assertion_error_with_the_report(self):
        self.write_lock(fp.PartPayload)
        exc = self.assertRaises(
            AssertionError, fp_testing.assert_fingerprints_locked, None,
            self.lock, modules=[MODULE], catalogs=())
        self.assertIn('fptest.WidgetPayload 1.0: FAIL — new payload',
                      str(exc))
        self.assertNotIn('PartPayload 1.0: ok', str(exc))

    def test_mismatch_fails_through_the_given_test_case(self):
        self.write_lock(fp.PartPayload)
        failures = []

        class Recorder:
            def fail(self, message):
                failures.append(message)
                raise AssertionError(message)

        self.assertRaises(AssertionError,
                          fp_testing.assert_fingerprints_locked, Recorder(),
                          self.lock, modules=[MODULE], catalogs=())
        self.assertEqual(1, len(failures))
        self.assertIn('do not match the lock file', failures[0])

    def test_named_catalogs_are_checked(self):
        report = fp_testing.fingerprint_report(catalogs=['demo'])
        self.assertIn('demo.BackupPayload',
                      [r.key for r in report.results])


class TestCatalogAgainstItsOwnLock(testtools.TestCase):
    """registry=: a service's catalog, checked against its contract's lock
    file."""

    def setUp(self):
        super().setUp()
        self.lock = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'lock.json')
        self.registry = test_samples.make_registry()
        self.registry.lock = self.lock

    def test_catalog_passes_against_the_lock_it_names(self):
        lock = lockfile.LockFile(self.lock)
        lock.record(test_samples.KeyPayload)
        lock.save()
        report = fp_testing.assert_fingerprints_locked(
            self, registry=self.registry)
        self.assertEqual(['sampletest.KeyPayload'],
                         [r.key for r in report.results])

    def test_payload_missing_from_the_lock_fails(self):
        lockfile.LockFile(self.lock).save()
        exc = self.assertRaises(AssertionError,
                                fp_testing.assert_fingerprints_locked,
                                registry=self.registry)
        self.assertIn('sampletest.KeyPayload', str(exc))

    def test_catalog_without_a_lock_file_says_where_to_name_it(self):
        self.useFixture(fixtures.MockPatch(
            'tidings.catalogs.contract', return_value=catalogs.Contract(
                self.registry, None, None)))
        exc = self.assertRaises(AssertionError,
                                fp_testing.assert_fingerprints_locked,
                                registry=self.registry)
        self.assertIn('catalog sampletest has no lock file', str(exc))

    def test_a_catalog_without_payloads_checks_nothing_and_fails(self):
        empty = registry_mod.EventRegistry('empty', lock=self.lock)
        lockfile.LockFile(self.lock).save()
        exc = self.assertRaises(AssertionError,
                                fp_testing.assert_fingerprints_locked,
                                registry=empty)
        self.assertIn('no payload to check', str(exc))
