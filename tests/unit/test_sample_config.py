"""The committed sample configuration matches the options."""

import difflib
import os
import subprocess
import sys

import fixtures
import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GENERATOR_CONF = os.path.join(ROOT, 'etc', 'tidings',
                              'tidings-config-generator.conf')
SAMPLE = os.path.join(ROOT, 'etc', 'tidings', 'tidings.conf.sample')


class TestSampleConfig(testtools.TestCase):

    def test_committed_sample_is_up_to_date(self):
        out = os.path.join(self.useFixture(fixtures.TempDir()).path,
                           'tidings.conf.sample')
        result = subprocess.run(
            [sys.executable, '-m', 'oslo_config.generator', '--config-file',
             GENERATOR_CONF, '--output-file', out],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env=dict(os.environ, PYTHONWARNINGS='ignore'))
        self.assertEqual(0, result.returncode, result.stderr)
        with open(out) as handle:
            fresh = handle.read()
        with open(SAMPLE) as handle:
            committed = handle.read()
        if fresh != committed:
            diff = ''.join(difflib.unified_diff(
                committed.splitlines(True), fresh.splitlines(True),
                'etc/tidings/tidings.conf.sample (committed)',
                'generated from the options'))
            self.fail('etc/tidings/tidings.conf.sample is stale: run '
                      '`tox -e genconfig` and commit the result.\n' + diff)

    def test_sample_has_every_option_group(self):
        with open(SAMPLE) as handle:
            text = handle.read()
        for group in ('[notifications]', '[backend_log]',
                      '[backend_jsonfile]', '[backend_memory]'):
            self.assertIn(group, text)
