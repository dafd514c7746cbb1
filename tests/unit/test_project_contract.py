"""Every contract follows its catalog: inside a service's repo (a
``pyproject.toml`` with ``[tool.tidings]``) every command works on that
service's catalog alone, with no flags, and tidings never writes into an
installed package."""

import json
import os
import sys
import textwrap

import fixtures

from tests.unit import cmdbase
from tidings import catalogs
from tidings.catalogs import project as project_mod
from tidings.objects import errors

PYPROJECT = '''\
[project]
name = "acme-backup"

[tool.tidings]
catalogs = ["acme_backup.notifications:EVENTS"]
lock = "acme_backup/payloads.lock.json"
samples = "doc/source/samples"
docs = "doc/source"
'''

NOTIFICATIONS = '''\
"""acme_backup's notifications (a test service, not installed)."""

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('acme_backup')


@OBJECTS.register
class VolumeRefPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {'volume_id': fields.StringField()}


@OBJECTS.register
class AcmePayload(payload_mod.Payload):
    """One backup of acme."""

    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
        'size_gb': fields.IntegerField(),
        'volume': fields.ObjectField('VolumeRefPayload', nullable=True),
    }


def sample_backup():
    return AcmePayload(name='nightly', size_gb=10,
                       volume=VolumeRefPayload(volume_id='vol-1'))


EVENTS = registry.EventRegistry('acme', objects=OBJECTS,
                                description='acme backups')
BACKUP_CREATE_START = EVENTS.define(
    'BACKUP_CREATE_START', 'acme.backup.create.start', 'info', AcmePayload,
    mechanisms=['messaging'], sample=sample_backup)
BACKUP_CREATE_END = EVENTS.define(
    'BACKUP_CREATE_END', 'acme.backup.create.end', 'info', AcmePayload,
    mechanisms=['messaging'], sample=sample_backup)
'''

ACME_KEYS = {'acme_backup.AcmePayload', 'acme_backup.VolumeRefPayload'}
SPEC = 'acme_backup.notifications:EVENTS'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class ProjectCase(cmdbase.CommandTestCase):
    """A fresh ``acme_backup`` project in a temporary folder, the current
    folder during the test (restored after, with sys.path and
    sys.modules)."""

    def setUp(self):
        super().setUp()
        self.root = os.path.realpath(self.useFixture(
            fixtures.TempDir()).path)
        self.write('pyproject.toml', PYPROJECT)
        self.write('acme_backup/__init__.py', '')
        self.write('acme_backup/notifications.py', NOTIFICATIONS)
        self.lock = os.path.join(self.root, 'acme_backup',
                                 'payloads.lock.json')
        self.samples = os.path.join(self.root, 'doc', 'source', 'samples')
        self.addCleanup(os.chdir, os.getcwd())
        self.useFixture(fixtures.MonkeyPatch('sys.path', list(sys.path)))
        self.addCleanup(self._forget_acme)
        os.chdir(self.root)

    @staticmethod
    def _forget_acme():
        for name in [m for m in sys.modules
                     if m == 'acme_backup' or m.startswith('acme_backup.')]:
            del sys.modules[name]

    def write(self, name, text):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(textwrap.dedent(text))
        return path

    def locked_keys(self):
        with open(self.lock, encoding='utf-8') as handle:
            return set(json.load(handle)['payloads'])


class TestDiscovery(ProjectCase):

    def test_the_project_is_found_from_a_subfolder(self):
        os.makedirs(os.path.join(self.root, 'doc', 'source'))
        found = project_mod.find(os.path.join(self.root, 'doc', 'source'))
        self.assertEqual(os.path.join(self.root, 'pyproject.toml'),
                         found.path)
        self.assertEqual([SPEC], found.catalogs)

    def test_paths_are_relative_to_the_pyproject_folder(self):
        found = project_mod.find()
        self.assertEqual(self.lock, found.lock)
        self.assertEqual(self.samples, found.samples)
        self.assertEqual(os.path.join(self.root, 'doc', 'source'),
                         found.docs)

    def test_a_pyproject_without_the_table_is_passed_over(self):
        inner = os.path.join(self.root, 'sub')
        self.write('sub/pyproject.toml', '[project]\nname = "other"\n')
        self.assertEqual(self.root, project_mod.find(inner).root)

    def test_select_gives_only_the_project_catalog_with_its_contract(self):
        [only] = catalogs.select()
        self.assertEqual('acme', only.registry.name)
        self.assertEqual(self.lock, only.lock)
        self.assertEqual(self.samples, only.samples)
        self.assertTrue(only.writable)

    def test_contract_of_the_project_registry_uses_the_project(self):
        catalogs.find_project().add_to_path()
        registry = catalogs.load_spec(SPEC)
        self.assertEqual(self.lock, catalogs.contract(registry).lock)

    def test_an_installed_catalog_keeps_its_own_contract_in_a_project(self):
        [watcher] = catalogs.select(['watcher'])
        self.assertEqual(catalogs.LOCK_FILE, watcher.lock)
        self.assertIsNone(watcher.samples)

    def test_a_bare_name_finds_the_project_catalog_that_is_not_installed(
            self):
        [acme] = catalogs.select(['acme'])
        self.assertEqual(self.lock, acme.lock)

    def test_an_unknown_key_is_refused_naming_the_accepted_ones(self):
        self.write('pyproject.toml', PYPROJECT + 'lockfile = "x"\n')
        exc = self.assertRaises(errors.ProjectError, project_mod.find)
        self.assertIn('unknown key(s) lockfile', str(exc))
        self.assertIn('accepted: catalogs, lock, samples, docs', str(exc))

    def test_catalogs_must_be_a_list_of_specs(self):
        self.write('pyproject.toml', '[tool.tidings]\ncatalogs = "acme"\n')
        err = self.refused('events', 'list')
        self.assertIn("[tool.tidings]: catalogs = 'acme'; accepted: a "
                      'non-empty list', err)

    def test_malformed_toml_is_named(self):
        self.write('pyproject.toml', '[tool.tidings\ncatalogs = []\n')
        err = self.refused('events', 'list')
        self.assertIn('pyproject.toml [tool.tidings]: is not valid TOML', err)

    def test_a_registry_lock_is_relative_to_its_module(self):
        self.write('acme_backup/other.py', textwrap.dedent('''\
            from tidings.notifications import registry
            EVENTS = registry.EventRegistry('other', lock='other.lock.json',
                                            samples='../other-samples')
            '''))
        [other] = catalogs.select(['acme_backup.other:EVENTS'])
        self.assertEqual(os.path.join(self.root, 'acme_backup',
                                      'other.lock.json'), other.lock)
        self.assertEqual(os.path.join(self.root, 'other-samples'),
                         other.samples)


class TestFingerprintsInAProject(ProjectCase):

    def test_check_before_update_names_acme_payloads_and_the_lock(self):
        code, out, err = self.run_tidings('fingerprints', 'check')
        self.assertEqual(1, code)
        self.assertIn('acme_backup.AcmePayload 1.0: FAIL', out)
        self.assertIn('acme_backup.VolumeRefPayload 1.0: FAIL', out)
        self.assertIn('2 payload(s) checked against %s' % self.lock, out)
        self.assertIn('no lock file %s yet (catalog(s) acme); create it with '
                      '`tidings fingerprints update`' % self.lock, err)

    def test_check_checks_no_bundled_payload(self):
        _, out, _ = self.run_tidings('fingerprints', 'check')
        self.assertNotIn('watcher.', out)
        self.assertNotIn('demo.', out)

    def test_the_per_payload_hint_updates_this_project_only(self):
        _, out, _ = self.run_tidings('fingerprints', 'check')
        self.assertIn('run `tidings fingerprints update`', out)
        self.assertNotIn('--lock', out)

    def test_update_writes_the_project_lock_with_acme_payloads_only(self):
        code, out, _ = self.run_tidings('fingerprints', 'update')
        self.assertEqual(0, code, out)
        self.assertEqual(ACME_KEYS, self.locked_keys())

    def test_check_after_update_passes(self):
        self.run_tidings('fingerprints', 'update')
        code, out, _ = self.run_tidings('fingerprints', 'check')
        self.assertEqual(0, code, out)
        self.assertIn('2 payload(s) checked', out)

    def test_an_explicit_lock_overrides_the_project(self):
        other = os.path.join(self.root, 'elsewhere.json')
        code, _, _ = self.run_tidings('fingerprints', 'update', '--lock',
                                      other)
        self.assertEqual(0, code)
        self.assertTrue(os.path.exists(other))
        self.assertFalse(os.path.exists(self.lock))

    def test_schema_finds_the_project_payload(self):
        code, out, err = self.run_tidings('schema', 'AcmePayload')
        self.assertEqual(0, code, err)
        doc = json.loads(out)
        self.assertIn('size_gb', json.dumps(doc))

    def test_events_list_shows_the_project_events_only(self):
        code, out, _ = self.run_tidings('events', 'list', '-f', 'json')
        self.assertEqual(0, code)
        self.assertEqual(
            ['acme.backup.create.end', 'acme.backup.create.start'],
            [row['event_type'] for row in json.loads(out)])

    def test_events_list_of_a_catalog_that_is_not_installed(self):
        os.chdir(REPO)
        sys.path.insert(0, self.root)
        self.assertSays(self.run_tidings('events', 'list', '--catalog', SPEC),
                        0, 'acme.backup.create.start', lacks=['watcher'])

    def test_ceilometer_definitions_cover_the_project_events_only(self):
        self.assertSays(self.run_tidings('ceilometer-definitions'), 0,
                        'event_type: acme.backup.create.end',
                        lacks=['watcher'])

    def test_validate_uses_the_project_lock(self):
        self.run_tidings('fingerprints', 'update')
        self.run_tidings('samples', 'generate')
        sample = os.path.join(self.samples, 'acme',
                              'acme.backup.create.start.json')
        code, out, _ = self.run_tidings('validate', sample)
        self.assertEqual(0, code, out)
        self.assertIn('1 message(s) checked: 1 valid', out)

    def test_validate_without_the_project_lock_says_how_to_create_it(self):
        self.run_tidings('samples', 'generate')
        sample = os.path.join(self.samples, 'acme',
                              'acme.backup.create.start.json')
        err = self.refused('validate', sample)
        self.assertIn('lock file %s: does not exist' % self.lock, err)
        self.assertIn('`tidings fingerprints update`', err)


class TestSamplesInAProject(ProjectCase):

    def test_generate_writes_acme_samples_in_the_project_folder(self):
        code, _, err = self.run_tidings('samples', 'generate')
        self.assertEqual(0, code, err)
        self.assertEqual(['acme'], os.listdir(self.samples))
        self.assertEqual(
            ['acme.backup.create.end.json', 'acme.backup.create.start.json'],
            sorted(os.listdir(os.path.join(self.samples, 'acme'))))

    def test_check_after_generate_passes(self):
        self.run_tidings('samples', 'generate')
        code, out, err = self.run_tidings('samples', 'check')
        self.assertEqual(0, code, out + err)
        self.assertIn('1 catalog(s), samples up to date', out)

    def test_check_reports_a_missing_acme_sample_only(self):
        self.run_tidings('samples', 'generate')
        os.unlink(os.path.join(self.samples, 'acme',
                               'acme.backup.create.end.json'))
        code, out, err = self.run_tidings('samples', 'check')
        self.assertEqual(1, code)
        self.assertIn('1 sample problem(s)', err)
        self.assertIn('acme.backup.create.end', out)
        self.assertIn('regenerate with: tidings samples generate\n', err)

    def test_deprecated_module_option_still_selects_a_catalog(self):
        self.run_tidings('samples', 'generate')
        code, _, err = self.run_tidings('samples', 'check', '--module', SPEC)
        self.assertEqual(0, code, err)
        self.assertIn('--module is deprecated; use --catalog %s' % SPEC, err)


class TestNeverIntoAnInstalledPackage(ProjectCase):
    """Outside a project, an installed catalog's contract lies in the
    installed package: tidings reads it but refuses to write it."""

    def setUp(self):
        super().setUp()
        # the folder of a site-packages copy of tidings' catalogs
        self.site = os.path.join(self.root, 'venv', 'lib', 'python3.11',
                                 'site-packages')
        self.installed_lock = os.path.join(self.site, 'tidings', 'catalogs',
                                           'payloads.lock.json')
        os.unlink(os.path.join(self.root, 'pyproject.toml'))

    def _installed_watcher(self):
        [watcher] = catalogs.select(['watcher'], project=None)
        return catalogs.Contract(watcher.registry, self.installed_lock, None)

    def test_a_path_in_site_packages_is_installed(self):
        self.assertTrue(catalogs.installed(self.installed_lock))
        self.assertFalse(catalogs.installed(self.lock))

    def test_a_contract_in_site_packages_is_not_writable(self):
        self.assertFalse(self._installed_watcher().writable)

    def test_update_into_site_packages_is_refused_with_the_remedy(self):
        err = self.refused('fingerprints', 'update', '--catalog',
                           'watcher', '--lock',
                           self.installed_lock)
        self.assertIn('lock file %s of catalog(s) watcher is inside an '
                      'installed package' % self.installed_lock, err)
        self.assertIn('add [tool.tidings] lock = "', err)
        self.assertIn('or pass --lock FILE', err)
        self.assertFalse(os.path.exists(self.installed_lock))

    def test_update_of_an_installed_catalog_outside_a_project_is_refused(
            self):
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.catalogs._own',
            lambda registry, what: self.installed_lock if what == 'lock'
            else None))
        err = self.refused('fingerprints', 'update', '--catalog',
                           'watcher')
        self.assertIn('is inside an installed package; tidings never writes '
                      'there', err)

    def test_samples_generate_into_site_packages_is_refused(self):
        target = os.path.join(self.site, 'acme_backup', 'samples')
        err = self.refused('samples', 'generate', '--catalog',
                           'watcher', '--samples', target)
        self.assertIn('samples folder %s of catalog(s) watcher is inside an '
                      'installed package' % target, err)
        self.assertFalse(os.path.exists(target))

    def test_samples_check_outside_a_project_needs_a_folder(self):
        err = self.refused('samples', 'check', '--catalog',
                           'watcher')
        self.assertIn('catalog(s) watcher name no samples folder; accepted: '
                      '--samples DIR', err)

    def test_missing_lock_hint_updates_the_selected_catalog_only(self):
        missing = os.path.join(self.root, 'acme.lock.json')
        err = self.refused('fingerprints', 'check', '--catalog',
                           SPEC, '--lock', missing)
        self.assertIn('create it with `tidings fingerprints update --catalog '
                      '%s --lock %s`' % (SPEC, missing), err)

    def test_a_catalog_naming_no_lock_says_how_to_name_one(self):
        err = self.refused('fingerprints', 'check', '--catalog',
                           SPEC)
        self.assertIn('catalog(s) acme name no lock file; accepted: --lock '
                      'FILE, [tool.tidings] lock = ', err)

    def test_outside_a_project_every_installed_catalog_is_selected(self):
        self.assertEqual(set(catalogs.names()),
                         {c.registry.name for c in catalogs.select()})


class TestTheTidingsRepo(cmdbase.CommandTestCase):
    """tidings' own ``[tool.tidings]`` keeps today's behaviour here."""

    def setUp(self):
        super().setUp()
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir(REPO)

    def test_the_repo_selects_its_five_catalogs(self):
        self.assertEqual(['demo', 'magnetodb', 'senlin', 'watcher', 'trove'],
                         [c.registry.name for c in catalogs.select()])

    def test_the_repo_contract_is_the_bundled_lock_and_samples(self):
        for one in catalogs.select():
            self.assertEqual(catalogs.LOCK_FILE, one.lock)
            self.assertEqual(os.path.join(REPO, 'samples'), one.samples)

    def test_fingerprints_check_passes_with_no_flags(self):
        code, out, _ = self.run_tidings('fingerprints', 'check', '-q')
        self.assertEqual(0, code, out)
        self.assertIn('checked against %s' % catalogs.LOCK_FILE, out)

    def test_samples_check_passes_with_no_flags(self):
        code, out, err = self.run_tidings('samples', 'check')
        self.assertEqual(0, code, out + err)
        self.assertIn('5 catalog(s), samples up to date in samples', out)
