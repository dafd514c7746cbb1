"""Bad input for ``tidings validate`` (the consumer-side validator): the
message files, the ``--lock`` files and the messages themselves.

Unusable input (a file missing, not UTF-8, not strict JSON, nested too
deep) exits 2 with one line naming the file and what is accepted; a
message that is readable but wrong is a finding: exit 1, the message and
the problem named on stdout.
"""

import codecs
import copy
import json
import os

import fixtures
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.unit import badinput
from tidings import catalogs
from tidings.notifications import validator as validator_mod
from tidings.objects import errors
from tidings.objects import strictjson

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def sample(catalog='watcher', event_type='audit.create'):
    with open(os.path.join(ROOT, 'samples', catalog,
                           event_type + '.json'), encoding='utf-8') as f:
        return json.load(f)


class ValidateCase(badinput.BadInputCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.tmp_dir()

    def message_file(self, *messages):
        return self.write('messages.json', json.dumps(list(messages)))

    def lock_copy(self, name='copy.lock.json', edit=None):
        with open(catalogs.LOCK_FILE, encoding='utf-8') as f:
            data = json.load(f)
        if edit is not None:
            edit(data)
        return self.write(name, json.dumps(data))

    def assertFinding(self, argv, fragments):
        """``tidings validate`` exits 1 and prints every fragment."""
        code, out, err = self.run_tidings('validate', *argv)
        self.assertEqual(1, code, out + err)
        self.assertNotIn('Traceback', out + err)
        for fragment in fragments:
            self.assertIn(fragment, out)
        return out


class TestMessageFiles(ValidateCase):
    """The files of messages: exit 2, one line naming the file."""

    def test_missing_file_is_named(self):
        path = os.path.join(self.tmp, 'nope.json')
        self.assertCliRefuses(['validate', path],
                              ['input file %s' % path, 'does not exist'])

    def test_directory_instead_of_a_file_is_named(self):
        self.assertCliRefuses(['validate', self.tmp],
                              ['input file %s' % self.tmp, 'is a directory'])

    def test_unreadable_file_is_named(self):
        path = self.write('secret.json', '{}')
        os.chmod(path, 0)
        with badinput.unreadable(path):
            self.assertCliRefuses(['validate', path],
                                  [path, 'permission denied'])

    def test_empty_file_is_refused_saying_there_is_no_message(self):
        path = self.write('empty.json', '')
        self.assertCliRefuses(['validate', path],
                              [path, 'is empty', 'accepted: one JSON message'])

    def test_blank_file_is_refused_as_empty(self):
        path = self.write('blank.json', '\n  \n')
        self.assertCliRefuses(['validate', path], [path, 'is empty'])

    def test_binary_file_is_refused_naming_the_byte_and_offset(self):
        path = self.write('bin.dat', bytes(range(256)))
        self.assertCliRefuses(['validate', path], [
            path, 'is not UTF-8', 'byte 0x80', 'offset 128',
            'accepted: UTF-8'])

    def test_latin1_file_is_refused_naming_the_byte(self):
        path = self.write('latin.json', '{"a": "café"}'.encode('latin-1'))
        self.assertCliRefuses(['validate', path], [
            path, 'byte 0xe9', 'line 1 column 11', 'accepted: UTF-8'])

    def test_utf16_file_is_refused_saying_it_is_utf16(self):
        path = self.write('utf16.json', '{"a": 1}'.encode('utf-16'))
        self.assertCliRefuses(['validate', path], [
            path, 'is UTF-16', 'accepted: UTF-8', 'iconv'])

    def test_utf32_file_is_refused_saying_it_is_utf32(self):
        path = self.write('utf32.json', '{"a": 1}'.encode('utf-32'))
        self.assertCliRefuses(['validate', path], [path, 'is UTF-32'])

    def test_utf8_bom_is_accepted(self):
        message = sample()
        path = self.write('bom.json', codecs.BOM_UTF8 + json.dumps(
            message).encode('utf-8'))
        code, out, err = self.run_tidings('validate', path)
        self.assertEqual(0, code, out + err)

    def test_deep_json_is_refused_naming_the_depth(self):
        path = self.write('deep.json', '[' * 5000 + ']' * 5000)
        self.assertCliRefuses(['validate', path], [
            path, 'nested more than 100 levels', 'line 1 column 101',
            'accepted: at most 100 levels'])

    def test_deep_objects_are_refused_naming_the_depth(self):
        path = self.write('deep.json', '{"a": ' * 300 + '1' + '}' * 300)
        self.assertCliRefuses(['validate', path], [
            path, 'nested more than 100 levels'])

    def test_brackets_inside_strings_do_not_count_as_depth(self):
        message = sample()
        message['publisher_id'] = '[' * 500
        path = self.message_file(message)
        code, out, err = self.run_tidings('validate', path)
        self.assertEqual(0, code, out + err)

    def test_deep_json_lines_are_refused(self):
        path = self.write('deep.jsonl', '{}\n' + '[' * 2000 + ']' * 2000)
        self.assertCliRefuses(['validate', path], [
            path, 'nested more than 100 levels', 'line 2'])

    def test_truncated_json_is_refused_naming_the_position(self):
        text = json.dumps(sample())
        path = self.write('cut.json', text[:len(text) // 2])
        self.assertCliRefuses(['validate', path], [
            path, 'is not valid JSON', 'line 1 column',
            'accepted: one JSON message, a JSON list, or one message per '
            'line'])

    def test_bare_nan_is_refused(self):
        text = json.dumps(sample()).replace(
            '"watcher_object.data": {', '"watcher_object.data": {"n": NaN, ',
            1)
        path = self.write('nan.json', text)
        self.assertCliRefuses(['validate', path], [
            path, 'bare NaN', 'RFC 8259', 'accepted: finite numbers'])

    def test_bare_infinity_is_refused(self):
        path = self.write('inf.json', '{"a": Infinity}')
        self.assertCliRefuses(['validate', path], [path, 'bare Infinity'])

    def test_bare_negative_infinity_is_refused(self):
        path = self.write('inf.json', '[-Infinity]')
        self.assertCliRefuses(['validate', path], [path, 'bare -Infinity'])

    def test_number_overflowing_to_infinity_is_refused(self):
        path = self.write('big.json', '{"a": 1e999}')
        self.assertCliRefuses(['validate', path], [
            path, 'the number 1e999', 'infinity', 'accepted: finite'])

    def test_integer_of_too_many_digits_is_refused(self):
        path = self.write('int.json', '[' + '9' * 5000 + ']')
        self.assertCliRefuses(['validate', path], [
            path, '5000 digits', 'accepted: at most 4300'])

    def test_nan_on_one_line_of_json_lines_names_the_line(self):
        path = self.write('lines.jsonl', '{"a": 1}\n{"a": NaN}\n')
        self.assertCliRefuses(['validate', path], [
            path + ' line 2', 'bare NaN'])

    def test_garbage_line_of_json_lines_names_the_line(self):
        path = self.write('lines.jsonl', '{"a": 1}\n{"a": 1\n')
        self.assertCliRefuses(['validate', path], [
            path + ' line 2', 'is not valid JSON', 'one message per line'])

    def test_one_bad_file_among_good_ones_is_refused_before_any_output(self):
        good = self.message_file(sample())
        bad = self.write('bad.json', b'\xff\xfe')
        code, out, err = self.run_tidings('validate', good, bad)
        self.assertEqual(2, code)
        self.assertEqual('', out)
        self.assertIn(bad, err)

    def test_non_utf8_standard_input_is_refused(self):
        stdin = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdin', _BytesStdin(b'{"a": "\xe9"}')))
        del stdin
        self.assertCliRefuses(['validate', '-'], [
            'input file standard input', 'is not UTF-8'])


class _BytesStdin:
    def __init__(self, data):
        import io
        self.buffer = io.BytesIO(data)


class TestLockFiles(ValidateCase):
    """``validate --lock``: a lock file that cannot be used exits 2."""

    def refuses(self, content, fragments, name='bad.lock.json'):
        lock = self.write(name, content)
        messages = self.message_file(sample())
        return self.assertCliRefuses(
            ['validate', '--lock', lock, messages],
            ['lock file %s' % lock] + list(fragments))

    def test_missing_lock_says_how_to_create_one(self):
        path = os.path.join(self.tmp, 'nope.lock.json')
        self.assertCliRefuses(
            ['validate', '--lock', path, self.message_file(sample())],
            [path, 'does not exist', 'tidings fingerprints update'])

    def test_directory_as_lock_is_refused(self):
        self.assertCliRefuses(
            ['validate', '--lock', self.tmp, self.message_file(sample())],
            ['lock file %s' % self.tmp, 'is a directory'])

    def test_binary_lock_is_refused(self):
        self.refuses(bytes(range(256)), ['is not UTF-8', 'byte 0x80'])

    def test_latin1_lock_is_refused(self):
        self.refuses('{"payloads": "é"}'.encode('latin-1'),
                     ['is not UTF-8', 'byte 0xe9'])

    def test_utf16_lock_is_refused(self):
        self.refuses('{}'.encode('utf-16'), ['is UTF-16'])

    def test_empty_lock_is_refused(self):
        self.refuses('', ['is not valid JSON', 'accepted: the JSON'])

    def test_deep_lock_is_refused(self):
        self.refuses('[' * 3000 + ']' * 3000, ['nested more than 100'])

    def test_truncated_lock_is_refused(self):
        with open(catalogs.LOCK_FILE, encoding='utf-8') as f:
            text = f.read()
        self.refuses(text[:1000], ['is not valid JSON', 'line'])

    def test_lock_with_nan_is_refused(self):
        self.refuses('{"lock_format": NaN}', ['bare NaN'])

    def test_lock_that_is_a_list_is_refused(self):
        self.refuses('[]', ['expected a JSON object with keys lock_format '
                            'and payloads', 'got list'])

    def test_lock_of_another_format_is_refused(self):
        self.refuses('{"lock_format": 7, "payloads": {}}',
                     ['lock_format 7 is not supported', 'accepted: 1'])

    def test_lock_format_true_is_not_taken_for_1(self):
        self.refuses('{"lock_format": true, "payloads": {}}',
                     ['lock_format True is not supported', 'accepted: 1'])

    def test_lock_format_as_a_float_is_refused(self):
        self.refuses('{"lock_format": 1.0, "payloads": {}}',
                     ['lock_format 1.0 is not supported'])

    def test_lock_edited_by_hand_is_refused(self):
        def edit(data):
            entry = data['payloads']['watcher.AuditCreatePayload']['1.0']
            entry['shape']['fields']['uuid'] = 'String(nullable=True)'
        lock = self.lock_copy(edit=edit)
        self.assertCliRefuses(
            ['validate', '--lock', lock, self.message_file(sample())],
            [lock, 'watcher.AuditCreatePayload 1.0', 'does not match its '
             'shape'])

    def test_repeated_locks_that_disagree_are_refused_naming_both(self):
        first = self.lock_copy('first.lock.json')
        with open(catalogs.LOCK_FILE, encoding='utf-8') as f:
            data = json.load(f)
        entry = data['payloads']['watcher.AuditCreatePayload']['1.0']
        entry['shape']['doc'] = 'changed'
        from tidings.objects import fingerprint
        entry['fingerprint'] = fingerprint.fingerprint_of(
            '1.0', entry['shape'])
        second = self.write('second.lock.json', json.dumps(data))
        self.assertCliRefuses(
            ['validate', '--lock', first, '--lock', second,
             self.message_file(sample())],
            ['lock file %s' % second, 'watcher.AuditCreatePayload 1.0',
             'but as', first, 'accepted: lock files that agree'])

    def test_repeated_locks_are_merged_not_the_last_kept(self):
        # The watcher payloads only in the first lock, the demo ones only
        # in the second: a message of each validates.
        def only(prefix):
            def edit(data):
                data['payloads'] = {k: v for k, v in data['payloads'].items()
                                    if k.startswith(prefix)}
            return edit
        first = self.lock_copy('watcher.lock.json', only('watcher.'))
        second = self.lock_copy('demo.lock.json', only('demo.'))
        messages = self.message_file(
            sample(), sample('demo', 'demo.backup.create.end'))
        code, out, err = self.run_tidings(
            'validate', '--lock', first, '--lock', second, messages)
        self.assertEqual(0, code, out + err)
        self.assertIn('2 message(s) checked: 2 valid', out)

    def test_a_payload_in_none_of_the_locks_names_them_all(self):
        def no_watcher(data):
            data['payloads'] = {k: v for k, v in data['payloads'].items()
                                if not k.startswith('watcher.')}
        first = self.lock_copy('a.lock.json', no_watcher)
        second = self.lock_copy('b.lock.json', no_watcher)
        self.assertFinding(
            ['--lock', first, '--lock', second, self.message_file(sample())],
            ['watcher.AuditCreatePayload@1.0 is not in the lock file',
             first, second, 'no version of it is locked'])


class TestMessages(ValidateCase):
    """Readable messages that are wrong: findings, exit 1."""

    def test_unknown_event_type_is_a_finding_naming_it(self):
        message = sample()
        message['event_type'] = 'audit.craete'
        out = self.assertFinding([self.message_file(message)], [
            "event_type: 'audit.craete' is not an event of catalog(s)",
            'watcher', "did you mean audit.create", 'accepted: an event '
            'type of those catalogs'])
        self.assertIn('0 valid, 1 invalid', out)

    def test_unknown_event_type_of_a_selected_catalog_is_a_finding(self):
        message = sample('demo', 'demo.backup.create.end')
        self.assertFinding(['--catalog', 'watcher',
                            self.message_file(message)], [
            "'demo.backup.create.end' is not an event of catalog(s) "
            'watcher'])

    def test_without_catalogs_an_unknown_event_type_is_accepted(self):
        message = sample()
        message['event_type'] = 'audit.somewhere.else'
        code, out, err = self.run_tidings(
            'validate', '--no-catalogs', self.message_file(message))
        self.assertEqual(0, code, out + err)

    def test_no_catalogs_with_catalog_is_refused(self):
        self.assertCliRefuses(
            ['validate', '--no-catalogs', '--catalog', 'demo',
             self.message_file(sample())],
            ['--no-catalogs and --catalog demo', 'choose one'])

    def test_unknown_catalog_is_refused_listing_the_installed(self):
        self.assertCliRefuses(
            ['validate', '--catalog', 'nope', self.message_file(sample())],
            ["unknown catalog 'nope'", 'installed catalogs: demo'])

    def test_payload_of_the_wrong_class_is_a_finding_naming_both(self):
        message = sample()
        other = sample('watcher', 'audit.delete')
        message['payload'] = other['payload']
        name = other['payload']['watcher_object.name']
        if name == 'AuditCreatePayload':  # pragma: no cover
            self.skipTest('same payload class')
        self.assertFinding([self.message_file(message)], [
            'watcher.%s is not the payload of audit.create' % name,
            'expected watcher.AuditCreatePayload'])

    def test_payload_of_another_catalog_is_a_finding(self):
        message = sample()
        message['payload'] = sample('demo',
                                    'demo.backup.create.end')['payload']
        self.assertFinding([self.message_file(message)], [
            'demo.BackupPayload is not the payload of audit.create',
            'expected watcher.AuditCreatePayload'])

    def test_payload_version_not_locked_lists_the_locked_ones(self):
        message = sample()
        message['payload']['watcher_object.version'] = '9.0'
        self.assertFinding([self.message_file(message)], [
            'watcher.AuditCreatePayload@9.0 is not in the lock file',
            'locked versions: 1.0'])

    def test_payload_version_that_is_a_number_is_a_finding(self):
        message = sample()
        message['payload']['watcher_object.version'] = 1.0
        self.assertFinding([self.message_file(message)], [
            'watcher_object.version is 1.0', 'expected a string',
            'MAJOR.MINOR'])

    def test_payload_version_that_is_a_list_is_a_finding(self):
        message = sample()
        message['payload']['watcher_object.version'] = ['1.0']
        self.assertFinding([self.message_file(message)], [
            "watcher_object.version is ['1.0']", 'expected a string'])

    def test_payload_name_that_is_an_object_is_a_finding(self):
        message = sample()
        message['payload']['watcher_object.name'] = {'x': 1}
        self.assertFinding([self.message_file(message)], [
            "watcher_object.name is {'x': 1}", 'expected a string'])

    def test_event_type_that_is_a_list_is_a_finding(self):
        message = sample()
        message['event_type'] = ['audit.create']
        self.assertFinding([self.message_file(message)], [
            'event_type', "['audit.create'] is not of type 'string'"])

    def test_wrong_priority_for_the_event_is_a_finding(self):
        message = sample()
        message['priority'] = 'ERROR'
        self.assertFinding([self.message_file(message)], [
            "priority: 'ERROR' is not 'INFO'"])

    def test_missing_envelope_key_is_a_finding_naming_it(self):
        message = sample()
        del message['publisher_id']
        self.assertFinding([self.message_file(message)], [
            "key 'publisher_id' is missing", 'a notification has priority'])

    def test_a_message_that_is_not_an_object_is_a_finding(self):
        self.assertFinding([self.write('m.json', '[1, "two"]')], [
            'expected a JSON object', '2 invalid'])

    def test_enum_value_outside_the_schema_is_a_finding_with_its_path(self):
        message = sample()
        message['payload']['watcher_object.data']['state'] = 'RUNNING'
        self.assertFinding([self.message_file(message)], [
            'payload/watcher_object.data/state', "'RUNNING' is not one of"])

    def test_unversioned_payload_of_an_unknown_event_is_a_finding(self):
        message = sample()
        message['payload'] = {'uuid': 'x'}
        message['event_type'] = 'nobody.knows'
        self.assertFinding([self.message_file(message)], [
            'no <namespace>_object.name key', "'nobody.knows'"])

    def test_lone_surrogate_escape_in_a_message_prints_no_traceback(self):
        message = sample()
        text = json.dumps([message]).replace(
            '"watcher_object.data": {',
            '"watcher_object.data": {"x": "\\ud800", ', 1)
        out = self.assertFinding([self.write('s.json', text)], [
            "payload/watcher_object.data/x: '\\ud800' holds a lone "
            "surrogate U+D800, which UTF-8 cannot carry", "accepted: "
            "Unicode text without lone surrogates", "'x' was unexpected"])
        self.assertIn('1 invalid', out)

    def test_lone_surrogate_in_a_valid_field_is_a_finding(self):
        message = sample()
        text = json.dumps(message).replace(
            '"publisher_id": "', '"publisher_id": "\\udfff', 1)
        self.assertFinding([self.write('s.json', text)], [
            "publisher_id: '\\udfff", 'lone surrogate U+DFFF'])

    def test_lone_surrogate_event_type_is_printed_escaped_on_a_real_stdout(
            self):
        import subprocess
        import sys
        message = sample()
        message['event_type'] = '\ud800'
        path = self.write('s.json', json.dumps(message))
        proc = subprocess.run(
            [sys.executable, '-c', 'import sys; from tidings.cmd import main;'
             ' sys.exit(main.main())', 'validate', path],
            capture_output=True, cwd=ROOT, timeout=120,
            env=dict(os.environ, PYTHONIOENCODING='utf-8'))
        out, err = proc.stdout.decode(), proc.stderr.decode()
        self.assertEqual(1, proc.returncode, out + err)
        self.assertNotIn('Traceback', out + err)
        self.assertIn('(\\ud800): invalid', out)


class TestValidatorApi(ValidateCase):
    """The same refusals through the Python API."""

    def test_validator_with_a_binary_lock_raises_lock_file_error(self):
        lock = self.write('bin.lock', bytes(range(256)))
        self.assertRaisesClear([lock, 'is not UTF-8'],
                               validator_mod.NotificationValidator, lock)

    def test_validator_with_a_list_of_locks_merges_them(self):
        validator = validator_mod.NotificationValidator(
            [catalogs.LOCK_FILE, catalogs.LOCK_FILE],
            registries=[catalogs.load('watcher')])
        self.assertEqual([], validator.errors(sample()))

    def test_validator_names_the_wrong_payload_class(self):
        validator = validator_mod.NotificationValidator(
            registries=[catalogs.load('watcher'), catalogs.load('demo')])
        message = sample()
        message['payload'] = sample('demo',
                                    'demo.backup.create.end')['payload']
        exc = self.assertRaisesClear(
            ['demo.BackupPayload is not the payload of audit.create',
             'expected watcher.AuditCreatePayload'],
            validator.validate, copy.deepcopy(message))
        self.assertIsInstance(exc, errors.MalformedNotificationError)

    def test_strict_loads_refuses_nan(self):
        self.assertRaises(strictjson.JSONInputError, strictjson.loads,
                          '[NaN]')


# hypothesis: whatever the bytes, exit 1 or 2, one line, no traceback

def _deep(depth):
    return '[' * depth + ']' * depth


_VALID = json.dumps(sample())

_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.integers(0, len(_VALID)).map(lambda n: _VALID[:n].encode()),
    st.integers(101, 3000).map(lambda n: _deep(n).encode()),
    st.integers(1000, 200000).map(
        lambda n: json.dumps([sample()] * (n // 1000)).encode()[:n]),
    st.text(max_size=300).map(lambda t: t.encode('latin-1', 'replace')),
    st.text(max_size=300).map(lambda t: json.dumps({'a': t},
                                                   ensure_ascii=False)
                              .encode('utf-16')),
    st.text(max_size=300).map(
        lambda t: _VALID.replace('"INFO"', json.dumps(t), 1).encode(
            'latin-1', 'replace')),
    st.sampled_from([b'NaN', b'[Infinity]', b'{"a": -Infinity}',
                     b'1e999', b'', b'\xef\xbb\xbf', b'\x00' * 10]),
)


class TestValidateNeverCrashes(ValidateCase):

    def assertOneLineOrFindings(self, argv):
        code, out, err = self.run_tidings(*argv)
        self.assertIn(code, (0, 1, 2), out + err)
        self.assertNotIn('Traceback', out + err)
        if code == 2:
            self.assertEqual(1, len(err.strip().splitlines()), err)
            self.assertTrue(err.startswith('tidings validate: error: '), err)

    @settings(max_examples=50, deadline=None)
    @given(_BYTES)
    def test_any_bytes_as_messages_exit_1_or_2_without_traceback(self, data):
        path = self.write('fuzz.json', data)
        self.assertOneLineOrFindings(['validate', path])

    @settings(max_examples=50, deadline=None)
    @given(_BYTES)
    def test_any_bytes_as_lock_exit_2_without_traceback(self, data):
        lock = self.write('fuzz.lock.json', data)
        messages = self.message_file(sample())
        code, out, err = self.run_tidings('validate', '--lock', lock,
                                          messages)
        self.assertEqual(2, code, out + err)
        self.assertNotIn('Traceback', out + err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn('lock file %s' % lock, err)

    @settings(max_examples=50, deadline=None)
    @given(st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20)
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=30))
    def test_any_json_value_in_the_envelope_is_a_finding_or_valid(self, value):
        message = sample()
        for key in ('priority', 'event_type', 'payload'):
            mutated = copy.deepcopy(message)
            mutated[key] = value
            path = self.message_file(mutated)
            code, out, err = self.run_tidings('validate', path)
            self.assertIn(code, (0, 1), out + err)
            self.assertNotIn('Traceback', out + err)

    @settings(max_examples=50, deadline=None)
    @given(st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=10))
    def test_any_value_as_payload_name_or_version_is_a_finding(self, value):
        for key in ('watcher_object.name', 'watcher_object.version',
                    'watcher_object.namespace', 'watcher_object.data'):
            mutated = sample()
            mutated['payload'][key] = value
            code, out, err = self.run_tidings('validate',
                                              self.message_file(mutated))
            self.assertIn(code, (0, 1), out + err)
            self.assertNotIn('Traceback', out + err)
