"""tidings.sphinxext: rendering helpers and generated catalog pages."""

import atexit
import io
import os
import shutil
import tempfile

import fixtures
from sphinx import application
from sphinx.util import docutils
import testtools

from tidings.catalogs.demo import events as demo
from tidings import sphinxext
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
    def test_versions_mapping_to_fingerprints(self):
        lock = {'demo.VolumePayload': {'1.1': '1.1-bbb', '1.0': '1.0-aaa'}}
        self.assertEqual([('1.0', '1.0-aaa'), ('1.1', '1.1-bbb')],
                         render.lock_history(lock, demo.VolumePayload))

    def test_entries_under_payloads_with_fingerprint_dicts(self):
        lock = {'payloads': {'demo.VolumePayload': {
            '1.0': {'fingerprint': '1.0-aaa', 'schema': {}}}}}
        self.assertEqual([('1.0', '1.0-aaa')],
                         render.lock_history(lock, demo.VolumePayload))

    def test_payload_absent_from_the_lock_has_no_history(self):
        self.assertEqual([], render.lock_history({}, demo.VolumePayload))


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

.. tidings-catalog:: tests.unit.test_samples:EVENTS

Parts
=====

.. tidings-events:: tests.unit.test_samples:EVENTS

.. tidings-payload:: sampletest.KeyPayload
   :registry: tests.unit.test_samples:EVENTS

.. tidings-sample:: tests.unit.test_samples:EVENTS sampletest.key.create
   :open:

.. tidings-schema:: sampletest.KeyPayload
   :registry: tests.unit.test_samples:EVENTS
'''


_BUILT = {}


def build_project():
    """Build a one-page project using every directive, once per process."""
    if not _BUILT:
        src = tempfile.mkdtemp(prefix='tidings-sphinxext-')
        atexit.register(shutil.rmtree, src, True)
        with open(os.path.join(src, 'conf.py'), 'w') as f:
            f.write("extensions = ['tidings.sphinxext']\n")
        with open(os.path.join(src, 'index.rst'), 'w') as f:
            f.write(PROJECT_PAGE)
        warnings = io.StringIO()
        out = os.path.join(src, '_build')
        with docutils.docutils_namespace():
            app = application.Sphinx(
                src, src, os.path.join(out, 'html'),
                os.path.join(out, 'doctrees'), 'html', status=None,
                warning=warnings, freshenv=True)
            app.build()
        with open(os.path.join(out, 'html', 'index.html')) as f:
            _BUILT['html'] = f.read()
        _BUILT['warnings'] = warnings.getvalue()
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
