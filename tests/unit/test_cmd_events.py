"""``tidings events list``."""

import json

import yaml

from tests.unit import cmdbase
from tidings.catalogs.demo import events as demo

KEYS = ('name', 'event_type', 'level', 'mechanisms', 'metrics', 'payload',
        'payload_version', 'catalog')


class TestEventsList(cmdbase.CommandTestCase):

    def listing(self, *args):
        code, out, err = self.run_tidings('events', 'list', *args)
        self.assertEqual(0, code, err)
        return out

    def test_json_is_a_list_of_event_objects(self):
        rows = json.loads(self.listing('--catalog', 'demo', '-f', 'json'))
        self.assertEqual(len(demo.EVENTS), len(rows))
        for row in rows:
            for key in KEYS:
                self.assertIn(key, row)

    def test_json_describes_an_event(self):
        rows = json.loads(self.listing('--catalog', 'demo', '-f', 'json'))
        [end] = [r for r in rows if r['event_type'] ==
                 'demo.backup.create.end']
        self.assertEqual({
            'name': 'EVENT_TYPE_BACKUP_CREATE_END',
            'event_type': 'demo.backup.create.end',
            'level': 'info',
            'mechanisms': ['messaging', 'database', 'statsd', 'log'],
            'metrics': ['demo.backup.create'],
            'payload': 'BackupPayload',
            'payload_version': '1.0',
            'catalog': 'demo',
        }, {k: end[k] for k in KEYS})

    def test_json_is_sorted_by_event_type(self):
        rows = json.loads(self.listing('--catalog', 'demo', '-f', 'json'))
        types = [r['event_type'] for r in rows]
        self.assertEqual(sorted(types), types)

    def test_yaml_carries_the_same_objects(self):
        as_json = json.loads(self.listing('--catalog', 'demo', '-f', 'json'))
        as_yaml = yaml.safe_load(self.listing('--catalog', 'demo', '-f',
                                              'yaml'))
        self.assertEqual(as_json, as_yaml)

    def test_table_has_a_header_and_a_row_per_event(self):
        lines = self.listing('--catalog', 'demo').splitlines()
        self.assertEqual(['NAME', 'EVENT', 'TYPE', 'LEVEL', 'MECHANISMS',
                          'METRICS', 'PAYLOAD', 'CATALOG'], lines[0].split())
        self.assertEqual(len(demo.EVENTS) + 1, len(lines))
        self.assertIn('EVENT_TYPE_BACKUP_CREATE_END', lines[2])

    def test_table_is_the_default_format(self):
        self.assertTrue(self.listing('--catalog', 'demo').startswith(
            'NAME '))

    def test_without_catalog_lists_every_installed_catalog(self):
        rows = json.loads(self.listing('-f', 'json'))
        self.assertIn('demo', {r['catalog'] for r in rows})

    def test_unknown_catalog_lists_installed_catalogs(self):
        code, out, err = self.run_tidings('events', 'list', '--catalog',
                                          'nope')
        self.assertEqual(2, code)
        self.assertIn("unknown catalog 'nope'; installed catalogs: ", err)
        self.assertIn('demo', err)

    def test_unknown_format_is_a_usage_error(self):
        code, _, err = self.run_tidings('events', 'list', '-f', 'xml')
        self.assertEqual(2, code)
        self.assertIn("invalid choice: 'xml'", err)
