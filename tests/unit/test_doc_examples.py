"""The code examples of the user guide run, so they cannot drift.

doc/source/user/testing.rst includes doc/source/user/examples/*.py with
``literalinclude``; these tests run those files: their unittest and
testtools test cases must pass, and the pytest one too (through pytest
when it is installed, else with a stand-in for ``pytest.fixture``, which
the example uses only as a decorator).  The listener example of
doc/source/user/consume-listener.rst (``backup_consumer.py``) runs over
oslo.messaging's fake:// transport.
"""

import importlib
import json
import os
import subprocess
import sys
import time
import types
import unittest
from unittest import mock

import testtools

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLES = os.path.join(REPO, 'doc', 'source', 'user', 'examples')
MODULES = ('backups', 'test_backups', 'test_backups_pytest',
           'test_backups_testtools', 'backup_consumer')


class TestTestingGuideExamples(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The examples import each other as a service's tests would
        # (``import backups``), from their own folder.
        sys.path.insert(0, EXAMPLES)
        self.addCleanup(sys.path.remove, EXAMPLES)
        for name in MODULES:
            self.addCleanup(sys.modules.pop, name, None)

    def run_cases(self, module_name):
        module = importlib.import_module(module_name)
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
        result = unittest.TestResult()
        suite.run(result)
        self.assertEqual([], [(str(t), tb) for t, tb in
                              result.errors + result.failures])
        return result.testsRun

    def test_unittest_example_passes(self):
        self.assertEqual(4, self.run_cases('test_backups'))

    def test_testtools_example_passes(self):
        self.assertEqual(1, self.run_cases('test_backups_testtools'))

    def test_pytest_example_passes(self):
        try:
            import pytest  # noqa: F401
        except ImportError:
            pass
        else:  # pragma: no cover - pytest is not a test requirement
            out = subprocess.run(
                [sys.executable, '-m', 'pytest', '-q', '-p',
                 'no:cacheprovider', os.path.join(
                     EXAMPLES, 'test_backups_pytest.py')],
                cwd=REPO, capture_output=True, text=True, check=False,
                env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                    [REPO, EXAMPLES])))
            self.assertEqual(0, out.returncode, out.stdout + out.stderr)
            return
        stand_in = types.ModuleType('pytest')
        stand_in.fixture = lambda function: function
        with mock.patch.dict(sys.modules, {'pytest': stand_in}):
            module = importlib.import_module('test_backups_pytest')
        fixture = module.notifications()
        notifications = next(fixture)
        module.test_create_end_matches_its_sample(notifications)
        fixture.close()
        self.assertTrue(notifications.notifier.closed)

    def test_consumer_example_handles_end_and_error_once(self):
        from tests.unit import test_consumer
        example = importlib.import_module('backup_consumer')
        transport = test_consumer.fake_transport()
        self.addCleanup(transport.cleanup)
        server, endpoint = example.start_listener(transport, topics=['t'])
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        messages = {}
        for phase in ('end', 'error'):
            with open(os.path.join(REPO, 'samples', 'demo',
                                   'demo.backup.create.%s.json' % phase),
                      encoding='utf-8') as handle:
                messages[phase] = json.load(handle)
        for phase in ('end', 'error', 'end'):
            test_consumer.send(transport, messages[phase])
        deadline = time.monotonic() + 10
        while endpoint.stats['handled'] + endpoint.stats['duplicates'] < 3 \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        backup = '2d1c6e5a-1c2f-4f0e-9a7e-3b8f7c1d2e4f'
        self.assertEqual({backup: 10}, endpoint.sizes)
        self.assertEqual([(backup, 'disk full', 'demo:localhost')],
                         endpoint.failures)
        self.assertEqual(1, endpoint.stats['duplicates'])

    def test_every_example_file_is_run_here(self):
        self.assertEqual(sorted(name + '.py' for name in MODULES),
                         sorted(f for f in os.listdir(EXAMPLES)
                                if f.endswith('.py')))
