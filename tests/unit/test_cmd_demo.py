"""``tidings demo``: the README's main job, on embedded defaults."""

import json
import os

import fixtures

from tests.unit import cmdbase


class TestDemo(cmdbase.CommandTestCase):

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.code, self.out, self.err = self.run_tidings(
            'demo', '--quiet', '--state-dir', self.state)

    def test_exits_zero(self):
        self.assertEqual(0, self.code, self.err)

    def test_uses_the_embedded_backends(self):
        self.assertIn('backends log, jsonfile, memory, database, statsd',
                      self.out)

    def test_every_bundled_catalog_delivers(self):
        for event_type in ('demo.backup.create.error', 'audit.planner.error',
                           'cluster.create.end', 'node.recover.error',
                           'dbaas.instance_create.end',
                           'trove.instance.exists',
                           'magnetodb.req.delete_table.error.404',
                           'magnetodb.task.create_table.end',
                           'magnetodb.table.usage'):
            self.assertIn(event_type, self.out)

    def test_the_sqlite_database_stores_database_events(self):
        self.assertTrue(os.path.exists(os.path.join(self.state,
                                                    'events.sqlite')))
        self.assertRegex(self.out, r'database sqlite:///.*: 11 events stored')

    def test_statsd_metrics_reach_the_local_udp_port(self):
        self.assertIn('mdb.req.delete_table.error.404|c', self.out)
        self.assertIn('demo.backup.create|ms', self.out)

    def test_jsonfile_holds_one_json_document_per_notification(self):
        path = os.path.join(self.state, 'notifications.jsonl')
        with open(path) as handle:
            lines = [json.loads(line) for line in handle]
        self.assertEqual(21, len(lines))
        self.assertNotIn('s3cr3t', json.dumps(lines))

    def test_reports_secrets_masked_and_debug_filtered(self):
        self.assertIn('sensitive fields masked everywhere: yes', self.out)
        self.assertIn('debug event filtered out before its payload was '
                      'built: yes', self.out)
