"""``tidings fingerprints check|update`` and ``tidings schema``: exit codes
and output."""

import contextlib
import io
import json
import os

import testtools

from tests.unit import fptest_payloads as fp
from tests.unit import test_lockfile
from tidings import catalogs
from tidings.cmd import fingerprints as fp_cmd
from tidings.cmd import main as main_mod
from tidings.objects import base
from tidings.objects import fields
from tidings.objects import introspect
from tidings.objects import lockfile

MODULE = 'tests.unit.fptest_payloads'
ONLY_FPTEST = ['--module', MODULE, '--no-catalogs']


def run(*argv):
    """``(exit code, stdout, stderr)`` of ``tidings *argv``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main_mod.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _old_widget(version='1.0', size=False):
    """WidgetPayload as it was before ``colour`` was added (and, with
    ``size``, before ``size`` was removed)."""
    registry = base.ObjectRegistry('fptest')
    fp.make_payload({'serial': fields.StringField()}, name='PartPayload',
                    registry=registry)
    field_map = {'name': fields.StringField(),
                 'part': fields.ObjectField('PartPayload', nullable=True)}
    if size:
        field_map['size'] = fields.IntegerField()
    return fp.make_payload(
        field_map, name='WidgetPayload', version=version,
        schema={'name': ('widget', 'name')}, registry=registry)


class CmdTestCase(test_lockfile.LockTestCase):
    """A lock file at ``self.lock`` in a folder of the test's."""

    def setUp(self):
        super().setUp()
        self.lock = self.path

    def write_lock(self, *classes):
        self.locked(*introspect.with_nested(classes))


class TestCommittedLock(testtools.TestCase):

    def test_committed_lock_matches_the_installed_catalogs(self):
        code, out, _ = run('fingerprints', 'check')
        self.assertEqual(0, code, out)

    def test_committed_lock_entries_equal_freshly_generated_ones(self):
        # Catches a stale schema too (the check compares fingerprints).
        lock = lockfile.LockFile.load(catalogs.LOCK_FILE)
        for cls in fp_cmd.collect():
            self.assertEqual(lockfile.entry_for(cls), lock.entry(
                '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name()),
                cls.VERSION), 'stale: run `tidings fingerprints update`')

    def test_committed_lock_is_the_package_data_file(self):
        self.assertTrue(os.path.exists(catalogs.LOCK_FILE))


class TestCheck(CmdTestCase):

    def test_check_exits_0_when_every_payload_matches(self):
        self.write_lock(fp.WidgetPayload)
        code, out, _ = run('fingerprints', 'check', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(0, code, out)
        self.assertIn('fptest.WidgetPayload 1.0: ok', out)
        self.assertIn('fptest.PartPayload 1.0: ok', out)

    def test_check_exits_1_for_a_payload_missing_from_the_lock(self):
        self.write_lock(fp.PartPayload)
        code, out, _ = run('fingerprints', 'check', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(1, code)
        self.assertIn('fptest.WidgetPayload 1.0: FAIL — new payload', out)

    def test_check_prints_the_changes_and_verdict_of_a_changed_payload(self):
        self.write_lock(fp.PartPayload, _old_widget())
        code, out, _ = run('fingerprints', 'check', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(1, code)
        self.assertIn('  - compatible: added field `colour`', out)
        self.assertIn('  verdict: compatible — added field `colour`: bump '
                      'minor to 1.1', out)

    def test_quiet_check_reports_only_the_failing_payloads(self):
        self.write_lock(fp.PartPayload, _old_widget())
        _, out, _ = run('fingerprints', 'check', '-q', '--lock', self.lock,
                        *ONLY_FPTEST)
        self.assertNotIn('PartPayload', out)
        self.assertIn('WidgetPayload', out)

    def test_json_report_has_status_and_verdict_per_payload(self):
        self.write_lock(fp.PartPayload, _old_widget())
        _, out, _ = run('fingerprints', 'check', '-f', 'json', '--lock',
                        self.lock, *ONLY_FPTEST)
        report = json.loads(out)
        by_key = {p['payload']: p for p in report['payloads']}
        self.assertFalse(report['ok'])
        self.assertEqual('ok', by_key['fptest.PartPayload']['status'])
        widget = by_key['fptest.WidgetPayload']
        self.assertEqual(('fail', '1.1'), (
            widget['status'], widget['verdict']['required_version']))

    def test_catalog_payloads_are_included_by_default(self):
        self.write_lock(fp.WidgetPayload)
        code, out, _ = run('fingerprints', 'check', '--lock', self.lock,
                           '--module', MODULE)
        self.assertEqual(1, code)
        self.assertIn('demo.BackupPayload 1.0: FAIL — new payload', out)

    def test_catalog_option_selects_catalogs(self):
        code, out, _ = run('fingerprints', 'check', '--catalog', 'demo')
        self.assertEqual(0, code, out)
        self.assertIn('demo.BackupPayload 1.0: ok', out)

    def test_unknown_catalog_exits_2_listing_the_installed_ones(self):
        code, _, err = run('fingerprints', 'check', '--catalog', 'nope')
        self.assertEqual(2, code)
        self.assertIn("unknown catalog 'nope'; installed catalogs: ", err)
        self.assertIn('demo', err)

    def test_module_that_cannot_be_imported_exits_2(self):
        code, _, err = run('fingerprints', 'check', '--module',
                           'tests.unit.no_such_module', '--no-catalogs')
        self.assertEqual(2, code)
        self.assertIn("module 'tests.unit.no_such_module' cannot be "
                      "imported", err)

    def test_malformed_lock_file_exits_2_naming_the_file(self):
        with open(self.lock, 'w') as stream:
            stream.write('{"lock_format": 2, "payloads": {}}')
        code, _, err = run('fingerprints', 'check', '--lock', self.lock)
        self.assertEqual(2, code)
        self.assertIn('lock file %s: lock_format 2 is not supported'
                      % self.lock, err)

    def test_missing_lock_file_exits_2(self):
        code, _, err = run('fingerprints', 'check', '--lock', self.lock)
        self.assertEqual(2, code)
        self.assertIn('does not exist', err)


class TestUpdate(CmdTestCase):

    def test_update_creates_a_lock_that_then_passes_the_check(self):
        code, out, _ = run('fingerprints', 'update', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(0, code, out)
        code, out, _ = run('fingerprints', 'check', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(0, code, out)

    def test_update_keeps_the_older_versions(self):
        self.write_lock(_old_widget('0.9', size=True))
        code, out, _ = run('fingerprints', 'update', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(0, code, out)
        lock = lockfile.LockFile.load(self.lock)
        self.assertEqual(['0.9', '1.0'],
                         lock.versions('fptest.WidgetPayload'))

    def test_update_refuses_a_change_without_bump(self):
        self.write_lock(fp.PartPayload, _old_widget())
        code, _, err = run('fingerprints', 'update', '--lock', self.lock,
                           *ONLY_FPTEST)
        self.assertEqual(1, code)
        self.assertIn('bump minor to 1.1', err)
        code, _, _ = run('fingerprints', 'check', '--lock', self.lock,
                         *ONLY_FPTEST)
        self.assertEqual(1, code)

    def test_forced_update_rewrites_the_entry(self):
        self.write_lock(fp.PartPayload, _old_widget())
        code, _, _ = run('fingerprints', 'update', '--force', '--lock',
                         self.lock, *ONLY_FPTEST)
        self.assertEqual(0, code)
        code, _, _ = run('fingerprints', 'check', '--lock', self.lock,
                         *ONLY_FPTEST)
        self.assertEqual(0, code)


class TestSchemaCommand(CmdTestCase):

    def schema(self, *argv):
        code, out, err = run('schema', *argv)
        self.assertEqual(0, code, err)
        return json.loads(out)

    def test_schema_of_a_payload_by_name(self):
        doc = self.schema('BackupPayload')
        self.assertEqual({'const': 'BackupPayload'},
                         doc['properties']['demo_object.name'])

    def test_schema_of_a_payload_by_namespace_and_name(self):
        self.assertEqual(self.schema('BackupPayload'),
                         self.schema('demo.BackupPayload'))

    def test_schema_of_an_older_version_comes_from_the_lock(self):
        self.write_lock(fp.PartPayload, _old_widget('0.9'), fp.WidgetPayload)
        doc = self.schema('WidgetPayload@0.9', '--lock', self.lock,
                          '--module', MODULE)
        data = doc['properties']['fptest_object.data']
        self.assertEqual({'const': '0.9'},
                         doc['properties']['fptest_object.version'])
        self.assertNotIn('colour', data['properties'])

    def test_current_version_comes_from_the_code(self):
        self.write_lock(fp.PartPayload, _old_widget('0.9'))
        doc = self.schema('WidgetPayload', '--lock', self.lock,
                          '--module', MODULE)
        self.assertEqual({'const': '1.0'},
                         doc['properties']['fptest_object.version'])

    def test_unversioned_schema_of_an_older_version(self):
        self.write_lock(fp.PartPayload, _old_widget('0.9'))
        doc = self.schema('fptest.WidgetPayload@0.9', '--unversioned',
                          '--lock', self.lock)
        self.assertEqual(['name', 'part'], sorted(doc['properties']))

    def test_envelope_wraps_the_payload(self):
        doc = self.schema('CleanupPayload', '--envelope')
        self.assertEqual(
            {'const': 'CleanupPayload'},
            doc['properties']['payload']['properties']['demo_object.name'])
        self.assertIn('message_id', doc['required'])

    def test_event_name_gives_the_notification_schema(self):
        doc = self.schema('EVENT_TYPE_BACKUP_CREATE_ERROR')
        self.assertEqual({'const': 'ERROR'}, doc['properties']['priority'])

    def test_unknown_name_exits_2_listing_the_payloads(self):
        code, _, err = run('schema', 'NoSuchPayload')
        self.assertEqual(2, code)
        self.assertIn("unknown payload 'NoSuchPayload'", err)
        self.assertIn('demo.BackupPayload', err)

    def test_unknown_version_exits_2_listing_the_versions(self):
        code, _, err = run('schema', 'BackupPayload@7.0')
        self.assertEqual(2, code)
        self.assertIn('demo.BackupPayload@1.0', err)

    def test_ambiguous_name_exits_2_asking_for_the_namespace(self):
        self.write_lock(fp.make_payload({'x': fields.StringField()},
                                        name='BackupPayload',
                                        namespace='other'))
        code, _, err = run('schema', 'BackupPayload', '--lock', self.lock)
        self.assertEqual(2, code)
        self.assertIn('ambiguous', err)
        self.assertIn('other.BackupPayload', err)
