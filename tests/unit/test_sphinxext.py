"""tidings.sphinxext: rendering helpers and generated catalog pages."""

import os

import fixtures
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
