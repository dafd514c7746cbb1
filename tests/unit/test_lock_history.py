"""The lock file is the single source of version history.

``fingerprints check`` fails when it checked nothing and when a locked
payload is gone from the code; pinning drops what the pinned version's
locked shape does not have (FIELD_VERSIONS is optional and, when given,
must agree with the lock); a pin the lock cannot honour is reported by the
check and refused at startup.
"""

import importlib.metadata
import json

import fixtures
import jsonschema
import testtools

from tests.unit import catalog
from tests.unit import fptest_payloads as fp
from tests.unit import test_lockfile
from tests.unit.test_cmd_fingerprints import run
from tidings import catalogs
from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import lockfile
from tidings.objects import pinning

MODULE = 'tests.unit.fptest_payloads'
#: A catalog that defines no event and no payload.
HOLLOW = registry_mod.EventRegistry('hollow')


def _validate(lock, key, version, primitive):
    jsonschema.validate(primitive, lock.schema(key, version),
                        cls=jsonschema.Draft202012Validator)


#: A lock file in a folder of the test's (see test_lockfile).
LockDirTestCase = test_lockfile.LockTestCase


class TestNothingChecked(LockDirTestCase):

    def test_check_of_no_payload_is_not_ok(self):
        report = lockfile.check([], self.locked(fp.PartPayload))
        self.assertFalse(report.ok)
        self.assertIn('nothing was checked', report.text())

    def test_catalog_without_payloads_exits_1_saying_what_was_looked_at(self):
        point = importlib.metadata.EntryPoint(
            'hollow', 'tests.unit.test_lock_history:HOLLOW',
            catalogs.ENTRY_POINT_GROUP)
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.catalogs._entry_points', lambda: {'hollow': point}))
        self.locked(fp.PartPayload)
        code, out, _ = run('fingerprints', 'check', '--lock', self.path,
                           '--catalog', 'hollow')
        self.assertEqual(1, code, out)
        self.assertIn('0 payload(s) checked', out)
        self.assertIn('looked at: catalog(s) hollow', out)
        self.assertIn('--catalog NAME or --module MOD', out)


class TestRemovedPayload(LockDirTestCase):

    def setUp(self):
        super().setUp()
        gone = fp.make_payload({'serial': fields.StringField()},
                               name='GonePayload', version='1.3')
        self.locked(fp.PartPayload, fp.WidgetPayload, gone)

    def check(self, *extra):
        return run('fingerprints', *extra, '--lock', self.path, '--module',
                   MODULE, '--no-catalogs')

    def test_check_reports_a_locked_payload_gone_from_the_code(self):
        code, out, _ = self.check('check')
        self.assertEqual(1, code, out)
        self.assertIn('fptest.GonePayload 1.3: REMOVED', out)
        self.assertIn('breaking change', out)
        self.assertIn('--allow-removal', out)

    def test_removed_payload_is_in_the_json_report(self):
        code, out, _ = self.check('check', '--format', 'json')
        self.assertEqual(1, code)
        self.assertEqual([{'payload': 'fptest.GonePayload',
                           'locked_version': '1.3'}],
                         json.loads(out)['removed'])

    def test_payloads_of_other_namespaces_are_not_removed(self):
        other = fp.make_payload({'x': fields.IntegerField()},
                                name='ElsePayload', namespace='elsewhere')
        lock = lockfile.LockFile.load(self.path)
        lock.record(other)
        lock.save()
        code, out, _ = self.check('check')
        self.assertNotIn('ElsePayload', out)

    def test_update_keeps_a_removed_payload_without_allow_removal(self):
        code, _, err = self.check('update')
        self.assertEqual(1, code)
        self.assertIn('fptest.GonePayload 1.3: REMOVED', err)
        self.assertIn('fptest.GonePayload',
                      lockfile.LockFile.load(self.path).keys())

    def test_update_allow_removal_drops_it_and_check_passes(self):
        code, out, _ = self.check('update', '--allow-removal')
        self.assertEqual(0, code, out)
        self.assertIn('dropped fptest.GonePayload', out)
        self.assertNotIn('fptest.GonePayload',
                         lockfile.LockFile.load(self.path).keys())
        self.assertEqual(0, self.check('check')[0])


def _notifier(payload_cls, lock_path, pin):
    """A notifier over a one-event catalog of ``payload_cls`` whose lock is
    ``lock_path``, pinning the payload to ``pin``."""
    events = registry_mod.EventRegistry('hist', lock=lock_path)
    event = events.define('EVENT_TYPE_THING_UPDATE', 'hist.thing.update',
                          'info', payload_cls, mechanisms=['messaging'])
    conf = tidings_conf.new_conf()
    conf.set_override('pin_versions', [pin], 'notifications')
    backend = memory.MemoryBackend(conf, name='messaging')
    return notifier_mod.Notifier(conf, events, backends=[backend]), \
        event, backend


class TestMinorBumpAddingAField(LockDirTestCase):
    """Failure case 3 of issue 11: 1.1 adds ``extra`` and says nothing in
    FIELD_VERSIONS; a notifier pinned to 1.0 must not send it."""

    def setUp(self):
        super().setUp()
        base_fields = {'name': fields.StringField()}
        old = fp.make_payload(base_fields, version='1.0')
        self.new = fp.make_payload(dict(base_fields,
                                        extra=fields.StringField()),
                                   version='1.1')
        self.lock = self.locked(old, self.new)

    def test_check_passes_without_field_versions(self):
        self.assertTrue(lockfile.check([self.new], self.lock).ok)

    def test_pinned_notification_validates_against_the_locked_schema(self):
        notifier, event, backend = _notifier(self.new, self.path,
                                             'ThingPayload:1.0')
        note = notifier.notify(event, self.new(name='n', extra='x'))
        primitive = note.payload_primitive()
        self.assertEqual('1.0', primitive['fptest_object.version'])
        self.assertEqual({'name': 'n'}, primitive['fptest_object.data'])
        _validate(self.lock, 'fptest.ThingPayload', '1.0', primitive)

    def test_pin_to_a_version_the_lock_does_not_know_is_a_config_error(
            self):
        lock = lockfile.LockFile.load(self.path)
        del lock.payloads['fptest.ThingPayload']['1.0']
        lock.save()
        exc = self.assertRaises(errors.ConfigError, _notifier, self.new,
                                self.path, 'ThingPayload:1.0')
        self.assertIn("pin_versions = 'ThingPayload:1.0'", str(exc))
        self.assertIn('the versions locked in %s: 1.1' % self.path,
                      str(exc))


class TestNestedPayloadPinned(LockDirTestCase):

    def test_nested_payload_is_pinned_to_the_version_the_old_one_nested(
            self):
        registry_old = base.ObjectRegistry('fptest')
        part_old = fp.make_payload({'serial': fields.StringField()},
                                   name='BoxPartPayload',
                                   registry=registry_old)
        box_old = fp.make_payload(
            {'part': fields.ObjectField('BoxPartPayload')},
            name='BoxPayload', registry=registry_old)
        registry_new = base.ObjectRegistry('fptest')
        part_new = fp.make_payload(
            {'serial': fields.StringField(),
             'colour': fields.StringField(nullable=True)},
            name='BoxPartPayload', version='1.1', registry=registry_new)
        box_new = fp.make_payload(
            {'part': fields.ObjectField('BoxPartPayload')},
            name='BoxPayload', version='1.1', registry=registry_new)
        lock = self.locked(part_old, box_old, part_new, box_new)
        self.assertTrue(lockfile.check([box_new], lock).ok)
        pinned, findings = pinning.pin(box_new, '1.0', lock)
        self.assertEqual([], findings)
        box = box_new(part=part_new(serial='s', colour='red'))
        primitive = box.obj_to_primitive(pinned)
        part = primitive['fptest_object.data']['part']
        self.assertEqual('1.0', part['fptest_object.version'])
        self.assertEqual({'serial': 's'}, part['fptest_object.data'])
        _validate(lock, 'fptest.BoxPayload', '1.0', primitive)


class TestUnpinnableChange(LockDirTestCase):

    def test_enum_widened_in_a_minor_bump_is_a_finding_per_field(self):
        old = fp.make_payload({'state': fields.EnumField(['A', 'B'])})
        new = fp.make_payload({'state': fields.EnumField(['A', 'B', 'C'])},
                              version='1.1')
        lock = self.locked(old, new)
        result = lockfile.check([new], lock).results[0]
        self.assertFalse(result.ok)
        text = '\n'.join(result.lines())
        self.assertIn('pin to 1.0: `state` may hold `C`, which 1.0 does not '
                      'know', text)
        self.assertIn('bump major to 2.0', text)

    def test_unpinnable_pin_is_refused_at_startup(self):
        old = fp.make_payload({'state': fields.EnumField(['A', 'B'])})
        new = fp.make_payload({'state': fields.EnumField(['A', 'B', 'C'])},
                              version='1.1')
        self.locked(old, new)
        exc = self.assertRaises(errors.ConfigError, _notifier, new,
                                self.path, 'ThingPayload:1.0')
        self.assertIn('cannot be honoured', str(exc))

    def test_a_class_with_its_own_downgrade_is_trusted(self):
        old = fp.make_payload({'state': fields.EnumField(['A', 'B'])})

        def downgrade(self, primitive, target_version):
            if primitive.get('state') == 'C':
                primitive['state'] = 'B'

        new = fp.make_payload({'state': fields.EnumField(['A', 'B', 'C'])},
                              version='1.1', obj_make_compatible=downgrade)
        lock = self.locked(old, new)
        self.assertTrue(lockfile.check([new], lock).ok)

    def test_field_required_by_the_old_version_gets_its_default(self):
        old = fp.make_payload({'size': fields.IntegerField()})
        new = fp.make_payload({'size': fields.IntegerField(default=7)},
                              version='1.1')
        lock = self.locked(old, new)
        self.assertTrue(lockfile.check([new], lock).ok)
        pinned, _ = pinning.pin(new, '1.0', lock)
        primitive = new().obj_to_primitive(pinned)
        self.assertEqual({'size': 7}, primitive['fptest_object.data'])
        _validate(lock, 'fptest.ThingPayload', '1.0', primitive)


class TestFieldVersions(LockDirTestCase):

    def setUp(self):
        super().setUp()
        self.old = fp.make_payload({'name': fields.StringField()})

    def _new(self, field_versions):
        return fp.make_payload({'name': fields.StringField(),
                                'extra': fields.StringField()},
                               version='1.1',
                               FIELD_VERSIONS=field_versions)

    def test_agreeing_field_versions_pass(self):
        new = self._new({'extra': '1.1'})
        self.assertTrue(lockfile.check([new], self.locked(self.old,
                                                          new)).ok)

    def test_field_versions_that_disagree_with_the_lock_are_reported(self):
        new = self._new({'extra': '1.0'})
        result = lockfile.check([new], self.locked(self.old, new)).results[0]
        self.assertFalse(result.ok)
        self.assertIn('FIELD_VERSIONS says `extra` came in 1.0, but 1.0 '
                      'lacks it (the lock has it first in 1.1)',
                      '\n'.join(result.lines()))

    def test_field_versions_naming_no_field_are_reported(self):
        new = self._new({'extra': '1.1', 'nope': '1.1'})
        result = lockfile.check([new], self.locked(self.old, new)).results[0]
        self.assertIn('FIELD_VERSIONS names `nope`, which is not a field',
                      '\n'.join(result.lines()))

    def test_unitcat_field_versions_agree_with_its_lock(self):
        lock = lockfile.LockFile.load(catalog.LOCK)
        self.assertTrue(lockfile.check(
            catalog.EVENTS.payload_classes(), lock).ok)


class TestUnitcatLock(testtools.TestCase):

    def test_committed_unitcat_lock_is_fresh(self):
        fresh = catalog.build_lock('unused')
        self.assertEqual(fresh.to_json(),
                         lockfile.LockFile.load(catalog.LOCK).to_json(),
                         'regenerate: python -c "from tests.unit import '
                         'catalog; catalog.build_lock().save()"')
