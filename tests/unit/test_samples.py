"""tidings.samples and ``tidings samples``: deterministic wire samples."""

import contextlib
import io
import json
import os
import uuid

import fixtures

from tests import testcase
from tidings.cmd import main as cmd_main
from tidings.notifications import payload as payload_mod
from tidings.notifications import registry as registry_mod
from tidings import samples
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('sampletest')


@OBJECTS.register
class KeyPayload(payload_mod.Payload):
    VERSION = '1.2'
    fields = {
        'name': fields.StringField(),
        'secret': fields.SensitiveStringField(nullable=True),
    }


def sample_key():
    return KeyPayload(name='k1', secret='hunter2')


def make_registry():
    events = registry_mod.EventRegistry('sampletest', objects=OBJECTS)
    events.define('EVENT_TYPE_KEY_CREATE', 'sampletest.key.create', 'info',
                  KeyPayload, sample=sample_key,
                  description='A key was created; ``name`` says which.')
    events.define('EVENT_TYPE_KEY_PURGE', 'sampletest.key.purge', 'debug',
                  KeyPayload, sample=sample_key, source='sampletest-janitor')
    events.define('EVENT_TYPE_REQUEST_KEY_GET_ERROR',
                  'sampletest.request.key.get.error', 'error', KeyPayload,
                  status_variants=True, sample=sample_key)
    events.define('EVENT_TYPE_KEY_ROTATE', 'sampletest.key.rotate', 'info',
                  KeyPayload, sample=sample_key, removed='2.0')
    return events


#: Importable by ``--module tests.unit.test_samples:EVENTS``.
EVENTS = make_registry()


class TestGenerate(testcase.TestCase):
    def setUp(self):
        super().setUp()
        self.registry = make_registry()

    def test_samples_are_identical_run_to_run(self):
        self.assertEqual(samples.generate(self.registry),
                         samples.generate(make_registry()))

    def test_sample_has_fixed_clock_id_and_publisher(self):
        text = samples.generate(self.registry)['sampletest.key.create.json']
        message = json.loads(text)
        self.assertEqual('2026-01-01 00:00:00.000000', message['timestamp'])
        self.assertEqual(str(uuid.uuid5(
            samples.MESSAGE_ID_NAMESPACE,
            'sampletest:sampletest.key.create')), message['message_id'])
        self.assertEqual('sampletest:localhost', message['publisher_id'])

    def test_event_source_names_the_publisher(self):
        text = samples.generate(self.registry)['sampletest.key.purge.json']
        self.assertEqual('sampletest-janitor:localhost',
                         json.loads(text)['publisher_id'])

    def test_debug_events_are_sampled_despite_the_default_level(self):
        self.assertIn('sampletest.key.purge.json',
                      samples.generate(self.registry))

    def test_sensitive_fields_are_masked(self):
        text = samples.generate(self.registry)['sampletest.key.create.json']
        self.assertNotIn('hunter2', text)
        data = json.loads(text)['payload']['sampletest_object.data']
        self.assertEqual('***', data['secret'])

    def test_status_variants_are_sampled_at_404(self):
        out = samples.generate(self.registry)
        text = out['sampletest.request.key.get.error.404.json']
        self.assertEqual('sampletest.request.key.get.error.404',
                         json.loads(text)['event_type'])

    def test_sample_status_attribute_chooses_the_status(self):
        self.registry['EVENT_TYPE_REQUEST_KEY_GET_ERROR'].sample_status = 409
        self.assertIn('sampletest.request.key.get.error.409.json',
                      samples.generate(self.registry))

    def test_removed_events_have_no_sample(self):
        self.assertNotIn('sampletest.key.rotate.json',
                         samples.generate(self.registry))

    def test_render_is_pretty_sorted_with_trailing_newline(self):
        text = samples.render({'b': 1, 'a': [2]})
        self.assertEqual('{\n    "a": [\n        2\n    ],\n    "b": 1\n}\n',
                         text)

    def test_event_without_sample_input_is_named(self):
        self.registry.define('EVENT_TYPE_KEY_LOST', 'sampletest.key.lost',
                             'info', KeyPayload)
        self.assertRaisesNaming(errors.TidingsError,
                                ['EVENT_TYPE_KEY_LOST (sampletest.key.lost)'],
                                samples.generate, self.registry)


class TestCheck(testcase.TestCase):
    def setUp(self):
        super().setUp()
        self.registry = make_registry()
        self.dir = self.useFixture(fixtures.TempDir()).path
        samples.write(self.registry, self.dir)
        self.folder = os.path.join(self.dir, 'sampletest')

    def kinds(self):
        return [(p.kind, os.path.basename(p.path))
                for p in samples.check(self.registry, self.dir)]

    def test_fresh_samples_have_no_problem(self):
        self.assertEqual([], self.kinds())

    def test_drifted_sample_comes_with_a_diff(self):
        path = os.path.join(self.folder, 'sampletest.key.create.json')
        with open(path, 'w') as f:
            f.write('{}\n')
        [problem] = samples.check(self.registry, self.dir)
        self.assertEqual('drifted', problem.kind)
        self.assertIn('-{}', problem.diff)
        self.assertIn('+    "event_type": "sampletest.key.create",',
                      problem.diff)

    def test_missing_sample_is_reported(self):
        os.unlink(os.path.join(self.folder, 'sampletest.key.purge.json'))
        self.assertEqual([('missing', 'sampletest.key.purge.json')],
                         self.kinds())

    def test_sample_without_event_is_reported(self):
        open(os.path.join(self.folder, 'sampletest.key.gone.json'),
             'w').close()
        self.assertEqual([('orphan', 'sampletest.key.gone.json')],
                         self.kinds())

    def test_event_without_sample_input_is_reported(self):
        self.registry.define('EVENT_TYPE_KEY_LOST', 'sampletest.key.lost',
                             'info', KeyPayload)
        self.assertEqual([('no-input', 'sampletest.key.lost.json')],
                         self.kinds())

    def test_write_prunes_samples_without_event(self):
        stale = os.path.join(self.folder, 'sampletest.key.gone.json')
        open(stale, 'w').close()
        written, removed = samples.write(self.registry, self.dir)
        self.assertEqual(([], [stale]), (written, removed))

    def test_committed_sample_is_served_when_present(self):
        path = os.path.join(self.folder, 'sampletest.key.create.json')
        with open(path, 'w') as f:
            f.write('{"committed": true}\n')
        self.assertEqual('{"committed": true}\n', samples.sample_text(
            self.registry, 'sampletest.key.create', self.dir))


class TestLoadRegistry(testcase.TestCase):
    def test_module_attribute_is_loaded(self):
        registry = samples.load_registry('tests.unit.test_samples:EVENTS')
        self.assertIs(EVENTS, registry)

    def test_catalog_name_is_loaded(self):
        self.assertEqual('demo', samples.load_registry('demo').name)

    def test_attribute_that_is_no_registry_names_the_candidates(self):
        self.assertRaisesNaming(errors.TidingsError,
                                ['ObjectRegistry, not an EventRegistry'],
                                samples.load_registry,
                                'tests.unit.test_samples:OBJECTS')

    def test_missing_attribute_lists_registries_there(self):
        self.assertRaisesNaming(errors.TidingsError,
                                ['attributes there: EVENTS'],
                                samples.load_registry,
                                'tests.unit.test_samples:NOPE')


class TestCommand(testcase.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.module = ['--catalog', 'tests.unit.test_samples:EVENTS']

    def run_cmd(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cmd_main.main(['samples'] + list(argv))
        return code, out.getvalue(), err.getvalue()

    def test_generate_then_check_passes(self):
        code, out, _ = self.run_cmd('generate', '--output', self.dir,
                                    *self.module)
        self.assertEqual(0, code)
        self.assertIn('sampletest.key.create.json', out)
        self.assertEqual(0, self.run_cmd('check', '--samples', self.dir,
                                         *self.module)[0])

    def test_check_exits_1_with_the_regenerate_command(self):
        code, out, err = self.run_cmd('check', '--samples', self.dir,
                                      *self.module)
        self.assertEqual(1, code)
        self.assertIn('missing: ', out)
        self.assertIn('tidings samples generate --catalog '
                      'tests.unit.test_samples:EVENTS --samples %s' % self.dir,
                      err)

    def test_unknown_catalog_is_a_clear_error(self):
        code, _, err = self.run_cmd('check', '--catalog', 'nosuch')
        self.assertEqual(2, code)
        self.assertIn('nosuch', err)
