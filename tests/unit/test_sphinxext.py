"""tidings.sphinxext: rendering helpers and generated catalog pages."""

import atexit
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile

import fixtures
from sphinx import application
from sphinx.util import docutils
import testtools

from tests.unit import test_samples
from tidings import catalogs
from tidings.catalogs.demo import events as demo
from tidings import samples
from tidings import sphinxext
from tidings.objects import fingerprint
from tidings.objects import lockfile
from tidings.sphinxext import render


class TestFieldTypes(testtools.TestCase):
    def test_enum_lists_its_values(self):
        self.assertEqual(
            'Enum (creating, available, error, deleting)',
            render.field_type(demo.BackupPayload.fields['status']))

    def test_nested_payload_is_named(self):
        self.assertEqual('VolumePayload', render.field_type(
            demo.BackupPayload.fields['volume']))

    def test_sensitive_field_says_it_is_masked(self):
        self.assertIn('sent as ***', render.field_type(
            demo.BackupPayload.fields['encryption_key']))

    def test_field_without_field_versions_dates_from_the_major(self):
        self.assertEqual('1.0', render.field_since(demo.BackupPayload,
                                                   'name'))

    def test_schema_source_describes_a_field_by_default(self):
        self.assertEqual('From backup.name.', render.field_description(
            demo.BackupPayload, 'name'))


class TestEndOfLife(testtools.TestCase):
    def definition(self, **kwargs):
        return demo.EVENTS.define('EVENT_TYPE_X', 'demo.x', 'info',
                                  demo.CleanupPayload, **kwargs)

    def setUp(self):
        super().setUp()
        self.addCleanup(demo.EVENTS._by_name.pop, 'EVENT_TYPE_X', None)
        self.addCleanup(demo.EVENTS._by_type.pop, 'demo.x', None)

    def test_release_reads_as_a_version(self):
        self.assertEqual('deprecated since 1.2; removed in 2.0',
                         render.status_text(self.definition(
                             deprecated='1.2', removed='2.0')))

    def test_free_text_reads_as_a_reason(self):
        self.assertEqual('removed: replaced by demo.y', render.status_text(
            self.definition(removed='replaced by demo.y')))


class TestLockHistory(testtools.TestCase):
    def test_locked_versions_with_their_fingerprints(self):
        lock = lockfile.LockFile('unused.json')
        lock.record(demo.VolumePayload)
        self.assertEqual(
            [('1.0', fingerprint.fingerprint(demo.VolumePayload))],
            render.lock_history(lock, demo.VolumePayload))

    def test_the_bundled_lock_dates_a_bundled_payload(self):
        lock = lockfile.LockFile.load(catalogs.LOCK_FILE)
        self.assertIn('1.0', dict(render.lock_history(
            lock, demo.VolumePayload)))

    def test_payload_absent_from_the_lock_has_no_history(self):
        self.assertEqual([], render.lock_history(
            lockfile.LockFile('unused.json'), demo.VolumePayload))


class TestCatalogPages(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def test_one_page_per_catalog_holds_the_catalog_directive(self):
        sphinxext.write_catalog_pages(self.dir, ['demo'])
        with open(os.path.join(self.dir, 'demo.rst')) as f:
            self.assertIn('.. tidings-catalog:: demo', f.read())

    def test_pages_of_uninstalled_catalogs_are_removed(self):
        sphinxext.write_catalog_pages(self.dir, ['demo', 'gone'])
        sphinxext.write_catalog_pages(self.dir, ['demo'])
        self.assertEqual(['demo.rst'], os.listdir(self.dir))

    def test_hand_written_pages_are_kept(self):
        with open(os.path.join(self.dir, 'mine.rst'), 'w') as f:
            f.write('Mine\n====\n')
        sphinxext.write_catalog_pages(self.dir, ['demo'])
        self.assertEqual(['demo.rst', 'mine.rst'],
                         sorted(os.listdir(self.dir)))


PROJECT_PAGE = '''
Reference
=========

.. tidings-catalog:: {module}:EVENTS

Parts
=====

.. tidings-events:: {module}:EVENTS

.. tidings-payload:: sampletest.KeyPayload
   :registry: {module}:EVENTS

.. tidings-sample:: {module}:EVENTS sampletest.key.create
   :open:

.. tidings-schema:: sampletest.KeyPayload
   :registry: {module}:EVENTS
'''

#: A service's catalog module in the project: the registry of
#: tests/unit/test_samples.py naming its lock file and samples folder.
CATALOG_MODULE = '''import os

from tests.unit import test_samples

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = test_samples.make_registry()
EVENTS.lock = os.path.join(HERE, {lock!r})
EVENTS.samples = os.path.join(HERE, {samples!r})
'''

CONF = '''import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
extensions = ['tidings.sphinxext']
'''

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
_MODULES = itertools.count()


def make_project(lock='payloads.lock.json', samples_dir='samples',
                 write_lock=True, write_samples=True, conf=''):
    """A Sphinx project whose one page uses every directive on its own
    catalog (a module of the project, uniquely named); returns its folder
    and the module name."""
    src = tempfile.mkdtemp(prefix='tidings-sphinxext-')
    atexit.register(shutil.rmtree, src, True)
    module = 'sxcatalog%d_%d' % (os.getpid(), next(_MODULES))
    with open(os.path.join(src, module + '.py'), 'w') as f:
        f.write(CATALOG_MODULE.format(lock=lock, samples=samples_dir))
    with open(os.path.join(src, 'conf.py'), 'w') as f:
        f.write(CONF + conf)
    with open(os.path.join(src, 'index.rst'), 'w') as f:
        f.write(PROJECT_PAGE.format(module=module))
    registry = test_samples.make_registry()
    if write_lock:
        locked = lockfile.LockFile(os.path.join(src, lock))
        locked.record(test_samples.KeyPayload)
        locked.save()
    if write_samples:
        samples.write(registry, os.path.join(src, samples_dir))
    return src, module


def build(src):
    """``(html, warnings)`` of building ``src``."""
    warnings = io.StringIO()
    out = os.path.join(src, '_build')
    with docutils.docutils_namespace():
        app = application.Sphinx(
            src, src, os.path.join(out, 'html'),
            os.path.join(out, 'doctrees'), 'html', status=None,
            warning=warnings, freshenv=True)
        app.build()
    with open(os.path.join(out, 'html', 'index.html')) as f:
        return f.read(), warnings.getvalue()


_BUILT = {}


def build_project():
    """Build a one-page project using every directive, once per process."""
    if not _BUILT:
        src, _module = make_project()
        _BUILT['html'], _BUILT['warnings'] = build(src)
    return _BUILT['html'], _BUILT['warnings']


class TestDirectivesOnAnyRegistry(testtools.TestCase):
    """The directives render a registry that is not an installed catalog,
    with status variants, a removed event and a source, warning-free."""

    def setUp(self):
        super().setUp()
        self.html, self.warnings = build_project()

    def test_no_warnings(self):
        self.assertEqual('', self.warnings)

    def test_status_variant_event_shows_its_status_placeholder(self):
        self.assertIn('sampletest.request.key.get.error.&lt;status&gt;',
                      self.html)

    def test_status_variant_sample_is_the_404_variant(self):
        self.assertIn('sampletest.request.key.get.error.404', self.html)

    def test_removed_event_is_documented_without_sample(self):
        self.assertIn('removed in 2.0', self.html)
        self.assertIn('never emitted, so it has no sample', self.html)

    def test_sensitive_value_never_reaches_the_page(self):
        self.assertNotIn('hunter2', self.html)

    def test_sample_is_collapsible(self):
        self.assertIn('<details class="tidings-details" open>', self.html)

    def test_description_markup_is_rendered_not_shown_raw(self):
        self.assertIn('A key was created; <code class="docutils literal '
                      'notranslate"><span class="pre">name</span></code> '
                      'says which.', self.html)
        self.assertNotIn('``', self.html)

    def test_version_history_comes_from_the_catalogs_lock_file(self):
        self.assertIn('Version history (lock file)', self.html)
        self.assertIn(fingerprint.fingerprint(test_samples.KeyPayload),
                      self.html)


class TestMissingContract(testtools.TestCase):
    """A catalog whose lock file or samples cannot be found is rendered,
    with a warning that says what is missing, so ``-W`` fails."""

    def test_missing_lock_file_warns_and_drops_no_history_silently(self):
        src, _ = make_project(write_lock=False)
        html, warnings = build(src)
        self.assertIn('WARNING: tidings-catalog: lock file %s of catalog '
                      'sampletest not found (create it with `tidings '
                      'fingerprints update`): version histories not shown'
                      % os.path.join(src, 'payloads.lock.json'), warnings)
        self.assertIn('[tidings.lock]', warnings)
        self.assertNotIn('Version history', html)

    def test_missing_samples_warn_and_samples_are_generated(self):
        src, _ = make_project(write_samples=False)
        html, warnings = build(src)
        self.assertIn('WARNING: tidings-catalog: no samples of catalog '
                      'sampletest in %s' % os.path.join(src, 'samples'),
                      warnings)
        self.assertIn('[tidings.samples]', warnings)
        self.assertIn('sampletest.key.create', html)

    def test_one_missing_sample_file_is_named(self):
        src, _ = make_project()
        os.unlink(os.path.join(src, 'samples', 'sampletest',
                               'sampletest.key.purge.json'))
        _html, warnings = build(src)
        self.assertIn('no sample %s for event sampletest.key.purge' %
                      os.path.join(src, 'samples', 'sampletest',
                                   'sampletest.key.purge.json'), warnings)

    def test_payload_missing_from_the_lock_is_named(self):
        src, _ = make_project(write_lock=False)
        lockfile.LockFile(os.path.join(src, 'payloads.lock.json')).save()
        _html, warnings = build(src)
        self.assertIn('payload sampletest.KeyPayload of catalog sampletest '
                      'is not in lock file', warnings)

    def test_malformed_lock_file_is_named(self):
        src, _ = make_project(write_lock=False)
        with open(os.path.join(src, 'payloads.lock.json'), 'w') as f:
            f.write('{"lock_format": 1, "payloads": []}')
        _html, warnings = build(src)
        self.assertIn('lock file %s:' % os.path.join(
            src, 'payloads.lock.json'), warnings)
        self.assertIn('version histories not shown', warnings)

    def test_catalog_naming_neither_says_where_to_name_them(self):
        self.useFixture(fixtures.MockPatch(
            'tidings.catalogs.contract',
            side_effect=lambda registry, **_: catalogs.Contract(registry, None,
                                                           None)))
        src, _ = make_project()
        _html, warnings = build(src)
        self.assertIn('catalog sampletest names no lock file', warnings)
        self.assertIn('catalog sampletest names no samples folder',
                      warnings)

    def test_config_values_override_the_contract(self):
        src, _ = make_project(
            lock='elsewhere.lock.json', samples_dir='elsewhere',
            write_lock=False, write_samples=False,
            conf="tidings_lock_file = 'mine.lock.json'\n"
                 "tidings_samples_dir = 'mine'\n")
        locked = lockfile.LockFile(os.path.join(src, 'mine.lock.json'))
        locked.record(test_samples.KeyPayload)
        locked.save()
        samples.write(test_samples.make_registry(), os.path.join(src, 'mine'))
        html, warnings = build(src)
        self.assertEqual('', warnings)
        self.assertIn('Version history (lock file)', html)

    def test_each_warning_is_given_once_per_directive(self):
        src, _ = make_project(write_lock=False, write_samples=False)
        _html, warnings = build(src)
        self.assertEqual(1, warnings.count(
            'tidings-catalog: lock file'))
        self.assertEqual(1, warnings.count(
            'tidings-catalog: no samples of catalog'))

    def test_sphinx_build_w_fails_on_a_missing_lock_file(self):
        src, _ = make_project(write_lock=False)
        env = dict(os.environ, PYTHONPATH=REPO)
        out = subprocess.run(
            [sys.executable, '-m', 'sphinx', '-W', '-q', '-b', 'html', src,
             os.path.join(src, '_w')], capture_output=True, text=True,
            env=env, check=False)
        self.assertNotEqual(0, out.returncode)
        self.assertIn('lock file', out.stderr)
