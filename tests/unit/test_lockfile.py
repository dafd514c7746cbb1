"""The lock file: check outcomes, update, format and malformed files."""

import json
import os

import fixtures
import testtools

from tests.unit import fptest_payloads as fp
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import lockfile


def _fields(**extra):
    out = {'name': fields.StringField(),
           'state': fields.EnumField(['A', 'B'])}
    out.update(extra)
    return out


def _payload(version='1.0', **extra):
    return fp.make_payload(_fields(**extra), version=version)


class LockTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'payloads.lock.json')

    def locked(self, *classes):
        """A saved lock file holding ``classes``; reloaded from disk."""
        lock = lockfile.LockFile(self.path)
        for cls in classes:
            lock.record(cls)
        lock.save()
        return lockfile.LockFile.load(self.path)

    def result(self, cls, lock):
        return lockfile.check([cls], lock).results[0]


class TestCheck(LockTestCase):

    def test_locked_fingerprint_is_ok(self):
        result = self.result(_payload(), self.locked(_payload()))
        self.assertEqual(lockfile.OK, result.status)

    def with_x_added(self, version):
        """1.2 locked, then checked at ``version`` with an optional field
        ``x`` added: (lock, result)."""
        lock = self.locked(_payload('1.2'))
        return lock, self.result(
            _payload(version, x=fields.StringField(nullable=True)), lock)

    def test_change_without_bump_fails_with_verdict_and_required_bump(self):
        _, result = self.with_x_added('1.2')
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('VERSION is still 1.2: bump minor to 1.3',
                      result.problem)
        self.assertEqual(
            'compatible — added optional field `x`: bump minor to 1.3',
            str(result.verdict))

    def test_exact_required_bump_is_reported_as_not_locked_yet(self):
        lock, result = self.with_x_added('1.3')
        self.assertEqual(lockfile.UNLOCKED, result.status)
        self.assertIn('not locked yet: run `tidings fingerprints update`',
                      result.problem)
        self.assertFalse(lockfile.check([_payload('1.3', x=fields.StringField(
            nullable=True))], lock).ok)

    def test_minor_bump_for_a_breaking_change_fails(self):
        lock = self.locked(_payload('1.2', x=fields.StringField()))
        result = self.result(_payload('1.3'), lock)
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('VERSION is 1.3 but the change since 1.2 requires 2.0',
                      result.problem)

    def test_major_bump_for_a_breaking_change_is_accepted(self):
        lock = self.locked(_payload('1.2', x=fields.StringField()))
        self.assertEqual(lockfile.UNLOCKED,
                         self.result(_payload('2.0'), lock).status)

    def test_major_bump_for_a_compatible_change_fails(self):
        lock = self.locked(_payload('1.2'))
        result = self.result(
            _payload('2.0', x=fields.StringField(nullable=True)), lock)
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('requires 1.3', result.problem)

    def test_bump_without_shape_change_is_accepted_when_it_is_the_next(self):
        lock = self.locked(_payload('1.2'))
        self.assertEqual(lockfile.UNLOCKED,
                         self.result(_payload('1.3'), lock).status)

    def test_bump_without_shape_change_that_skips_versions_fails(self):
        lock = self.locked(_payload('1.2'))
        result = self.result(_payload('1.5'), lock)
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('next is 1.3 or 2.0', result.problem)

    def test_unlocked_version_older_than_the_newest_locked_fails(self):
        lock = self.locked(_payload('1.0'), _payload('1.2'))
        result = self.result(_payload('1.1'), lock)
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('older than the newest locked version 1.2',
                      result.problem)

    def test_payload_missing_from_the_lock_fails_as_new(self):
        lock = self.locked()
        result = self.result(_payload(), lock)
        self.assertEqual(lockfile.FAIL, result.status)
        self.assertIn('new payload', result.problem)
        self.assertIn('run `tidings fingerprints update`', result.problem)

    def test_namespace_change_is_pointed_out_for_a_new_payload(self):
        lock = self.locked(fp.make_payload(_fields(), namespace='old'))
        result = self.result(_payload(), lock)
        self.assertIn('locked as old.ThingPayload', result.problem)

    def test_nested_payloads_are_checked_too(self):
        lock = self.locked()
        report = lockfile.check([fp.WidgetPayload], lock)
        self.assertEqual(['fptest.PartPayload', 'fptest.WidgetPayload'],
                         [r.key for r in report.results])

    def test_report_text_shows_each_change_and_the_verdict(self):
        lock = self.locked(_payload('1.0'))
        report = lockfile.check([_payload('1.0', x=fields.StringField())],
                                lock)
        lines = report.text().splitlines()
        self.assertTrue(lines[0].startswith('fptest.ThingPayload 1.0: FAIL'))
        self.assertEqual('  - compatible: added field `x`', lines[1])
        self.assertEqual('  verdict: compatible — added field `x`: bump '
                         'minor to 1.1', lines[2])
        self.assertIn('1 payload(s) checked', lines[-1])


class TestUpdate(LockTestCase):

    def test_update_keeps_older_versions(self):
        lock = self.locked(_payload('1.0'))
        lockfile.update([_payload('1.1', x=fields.StringField())], lock)
        lock.save()
        reloaded = lockfile.LockFile.load(self.path)
        self.assertEqual(['1.0', '1.1'],
                         reloaded.versions('fptest.ThingPayload'))

    def test_updated_lock_passes_the_check(self):
        lock = self.locked(_payload('1.0'))
        new = _payload('1.1', x=fields.StringField())
        lockfile.update([new], lock)
        self.assertTrue(lockfile.check([new], lock).ok)

    def test_update_adds_new_payloads(self):
        lock = lockfile.LockFile(self.path)
        report = lockfile.update([_payload()], lock)
        self.assertTrue(report.results[0].recorded)
        self.assertEqual(['fptest.ThingPayload'], lock.keys())

    def test_update_adds_every_version_of_a_new_payload(self):
        lock = lockfile.LockFile(self.path)
        lockfile.update([_payload('1.0'), _payload('1.1', x=fields.StringField(
            nullable=True))], lock)
        self.assertEqual(['1.0', '1.1'], lock.versions('fptest.ThingPayload'))

    def test_update_leaves_a_change_without_bump_alone(self):
        lock = self.locked(_payload('1.0'))
        before = lock.entry('fptest.ThingPayload', '1.0')
        report = lockfile.update([_payload('1.0', x=fields.StringField())],
                                 lock)
        self.assertFalse(report.results[0].recorded)
        self.assertEqual(before, lock.entry('fptest.ThingPayload', '1.0'))

    def test_forced_update_rewrites_the_released_entry(self):
        lock = self.locked(_payload('1.0'))
        changed = _payload('1.0', x=fields.StringField())
        lockfile.update([changed], lock, force=True)
        self.assertTrue(lockfile.check([changed], lock).ok)


class TestFormat(LockTestCase):

    def test_file_is_sorted_indented_and_ends_with_a_newline(self):
        self.locked(_payload())
        with open(self.path) as stream:
            text = stream.read()
        self.assertTrue(text.endswith('}\n'))
        self.assertTrue(text.startswith('{\n  "lock_format": 1,\n  '
                                        '"payloads": {\n'))
        data = json.loads(text)
        self.assertEqual(text, json.dumps(data, indent=2, sort_keys=True,
                                          ensure_ascii=False) + '\n')

    def test_entry_holds_fingerprint_shape_and_schema(self):
        entry = self.locked(_payload()).entry('fptest.ThingPayload', '1.0')
        self.assertEqual(['fingerprint', 'schema', 'shape'], sorted(entry))
        self.assertEqual('https://json-schema.org/draft/2020-12/schema',
                         entry['schema']['$schema'])


class TestMalformed(LockTestCase):

    def write(self, text):
        with open(self.path, 'w') as stream:
            stream.write(text)

    def assertMalformed(self, text, words):
        self.write(text)
        exc = self.assertRaises(errors.LockFileError, lockfile.LockFile.load,
                                self.path)
        self.assertIn(self.path, str(exc))
        self.assertIn(words, str(exc))

    def good(self):
        self.locked(_payload())
        with open(self.path) as stream:
            return json.load(stream)

    def test_invalid_json(self):
        self.assertMalformed('{"lock_format": 1,', 'is not valid JSON')

    def test_not_an_object(self):
        self.assertMalformed('[]', 'expected a JSON object')

    def test_unsupported_lock_format(self):
        self.assertMalformed('{"lock_format": 7, "payloads": {}}',
                             'lock_format 7 is not supported; accepted: 1')

    def test_unknown_top_level_key(self):
        self.assertMalformed(
            '{"lock_format": 1, "payloads": {}, "extra": 1}',
            'unknown top-level key(s) extra')

    def test_bad_payload_key(self):
        self.assertMalformed(
            '{"lock_format": 1, "payloads": {"NoNamespace": {}}}',
            "payload key 'NoNamespace': expected <namespace>.<Name>")

    def test_bad_version_key(self):
        data = self.good()
        versions = data['payloads']['fptest.ThingPayload']
        versions['one'] = versions.pop('1.0')
        self.assertMalformed(json.dumps(data), "version 'one' is not "
                             "MAJOR.MINOR")

    def test_missing_entry_parts(self):
        data = self.good()
        del data['payloads']['fptest.ThingPayload']['1.0']['schema']
        self.assertMalformed(json.dumps(data), 'missing schema')

    def test_fingerprint_not_matching_its_shape(self):
        data = self.good()
        entry = data['payloads']['fptest.ThingPayload']['1.0']
        entry['shape']['fields']['name']['nullable'] = True
        self.assertMalformed(json.dumps(data),
                             'does not match its shape')

    def test_missing_file_says_how_to_create_it(self):
        exc = self.assertRaises(errors.LockFileError, lockfile.LockFile.load,
                                self.path)
        self.assertIn('tidings fingerprints update --lock', str(exc))

    def test_missing_file_is_empty_when_allowed(self):
        lock = lockfile.LockFile.load(self.path, missing_ok=True)
        self.assertEqual([], lock.keys())
