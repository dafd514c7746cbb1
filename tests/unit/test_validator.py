"""The consumer-side validator and ``tidings validate``."""

import copy
import json
import os

import fixtures
import testtools

from tests.unit import cmdbase
from tidings import catalogs
from tidings.notifications import validator as validator_mod
from tidings.objects import base
from tidings.objects import errors

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def sample(catalog, event_type):
    with open(os.path.join(ROOT, 'samples', catalog,
                           event_type + '.json')) as handle:
        return json.load(handle)


class TestNotificationValidator(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.validator = validator_mod.NotificationValidator(
            registries=[catalogs.load('watcher')])
        self.message = sample('watcher', 'audit.create')

    def test_a_committed_sample_is_valid(self):
        self.assertIs(self.message, self.validator.validate(self.message))

    def test_a_value_outside_the_enum_is_named_with_its_path(self):
        self.message['payload']['watcher_object.data']['state'] = 'RUNNING'
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.validator.validate, self.message)
        self.assertIn("payload/watcher_object.data/state: 'RUNNING' is not "
                      "one of", str(exc))

    def test_priority_must_match_the_event_definition(self):
        self.message['priority'] = 'ERROR'
        self.assertIn("priority: 'ERROR' is not 'INFO'",
                      self.validator.errors(self.message))

    def test_an_unlocked_version_lists_the_locked_ones(self):
        self.message['payload']['watcher_object.version'] = '9.9'
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.validator.validate, self.message)
        self.assertIn('watcher.AuditCreatePayload@9.9 is not in the lock '
                      'file', str(exc))
        self.assertIn('locked versions: 1.0', str(exc))

    def test_a_missing_envelope_key_is_named(self):
        del self.message['publisher_id']
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.validator.validate, self.message)
        self.assertIn("'publisher_id' is missing", str(exc))

    def test_an_unknown_payload_field_is_rejected(self):
        self.message['payload']['watcher_object.data']['colour'] = 'red'
        self.assertTrue(any('colour' in p for p in
                            self.validator.errors(self.message)))

    def test_without_catalogs_any_event_type_and_level_is_accepted(self):
        validator = validator_mod.NotificationValidator()
        self.message['priority'] = 'ERROR'
        self.assertEqual([], validator.errors(self.message))

    def test_unversioned_payload_is_validated_for_a_known_event(self):
        message = copy.deepcopy(self.message)
        message['payload'] = self.message['payload']['watcher_object.data']
        self.assertEqual([], self.validator.errors(
            self._flatten(message)))

    def test_unversioned_payload_of_an_unknown_event_is_an_error(self):
        message = copy.deepcopy(self.message)
        message['payload'] = {'uuid': 'x'}
        message['event_type'] = 'nobody.knows'
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.validator.validate, message)
        self.assertIn("'nobody.knows' is not one", str(exc))

    def _flatten(self, message):
        # the unversioned form of a primitive, as to_flat_dict() makes it
        message['payload'] = base._flat(message['payload'])
        return message


class TestValidateCommand(cmdbase.CommandTestCase):

    def write(self, messages, lines=False):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'messages.json')
        with open(path, 'w') as handle:
            if lines:
                handle.write('\n'.join(json.dumps(m) for m in messages))
            else:
                json.dump(messages, handle)
        return path

    def test_valid_samples_exit_zero(self):
        path = self.write([sample('watcher', 'audit.create'),
                           sample('trove', 'trove.instance.exists')])
        code, out, err = self.run_tidings('validate', path)
        self.assertEqual(0, code, out + err)
        self.assertIn('2 message(s) checked: 2 valid, 0 invalid', out)

    def test_json_lines_as_the_jsonfile_backend_writes_them(self):
        path = self.write([sample('demo', 'demo.backup.create.end')] * 3,
                          lines=True)
        code, out, _ = self.run_tidings('validate', path)
        self.assertEqual(0, code, out)
        self.assertIn('3 message(s) checked: 3 valid', out)

    def test_an_invalid_message_exits_one_and_says_why(self):
        message = sample('watcher', 'audit.create')
        message['payload']['watcher_object.data']['state'] = 'RUNNING'
        code, out, _ = self.run_tidings('validate', self.write([message]))
        self.assertEqual(1, code)
        self.assertIn('(audit.create): invalid', out)
        self.assertIn("'RUNNING' is not one of", out)

    def test_a_line_that_is_not_json_is_named(self):
        path = self.write([], lines=True)
        with open(path, 'w') as handle:
            handle.write('{"a": 1}\nnot json\n')
        code, _, err = self.run_tidings('validate', path)
        self.assertEqual(2, code)
        self.assertIn('line 2', err)
