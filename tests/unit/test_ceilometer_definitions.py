"""``tidings ceilometer-definitions``: every trait path resolves."""

import datetime
import fnmatch
import io
import os
import re

import fixtures
import jsonpath_ng
import yaml

from tests import testcase
from tidings.backends import memory
from tidings.catalogs import common
from tidings.catalogs import trove
from tidings.cmd import ceilometer
from tidings.cmd import main
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import payload as payload_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields

_STEP = re.compile(r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\['(?P<key>[^']*)'\]")


def resolve(path, message):
    """The value at ``path`` in ``message``: the ``$``, ``.name`` and
    ``['key']`` subset of JSONPath the generator writes; for a list of
    paths, the first that holds a value (``ctxt.*`` paths read the
    request context, which these messages do not carry)."""
    if isinstance(path, list):
        for one in path:
            if one.startswith('ctxt.'):
                continue
            value = resolve(one, message)
            if value is not None:
                return value
        return None
    if not path.startswith('$'):
        path = '$.' + path
    pos, value = 1, message
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None:
            raise ValueError('%r: cannot parse at %r' % (path, path[pos:]))
        value = value[match.group('name') or match.group('key')]
        pos = match.end()
    return value


def _wire_samples(fmt):
    """{event_type: wire message} of every trove sample, in ``fmt``."""
    backend = memory.MemoryBackend()
    notifier = notifier_mod.Notifier(registries=[trove.EVENTS],
                                     backends=[backend])
    out = {}
    for definition in trove.EVENTS:
        note = notifier.notify(definition, definition.sample())
        out[definition.event_type_str] = note.to_wire(fmt)
    return out


def _check_type(test, trait_type, value, where):
    if trait_type == 'int':
        test.assertIsInstance(value, int, where)
    elif trait_type == 'float':
        test.assertIsInstance(value, (int, float), where)
    elif trait_type == 'datetime':
        datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    else:
        test.assertIsInstance(value, str, where)


class TestGeneratedFile(testcase.TestCase):

    def generate(self, fmt):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'event_definitions.yaml')
        self.assertEqual(0, main.main([
            'ceilometer-definitions', '--catalog', 'trove', '--format', fmt,
            '--output', path]))
        with open(path) as handle:
            return yaml.safe_load(handle)

    def check_every_trait_resolves(self, fmt):
        definitions = self.generate(fmt)
        samples = _wire_samples(fmt)
        self.assertEqual(sorted(samples),
                         sorted(d['event_type'] for d in definitions))
        for entry in definitions:
            message = samples[entry['event_type']]
            for name, trait in entry['traits'].items():
                where = '%s %s %s' % (entry['event_type'], name,
                                      trait['fields'])
                value = resolve(trait['fields'], message)
                self.assertIsNotNone(value, where)
                _check_type(self, trait['type'], value, where)

    def test_versioned_trait_paths_resolve_in_versioned_samples(self):
        self.check_every_trait_resolves('versioned')

    def test_unversioned_trait_paths_resolve_in_unversioned_samples(self):
        self.check_every_trait_resolves('unversioned')

    def test_every_payload_field_is_a_trait(self):
        for entry in self.generate('unversioned'):
            definition = trove.EVENTS[entry['event_type']]
            fields = set()
            for trait in entry['traits'].values():
                paths = trait['fields']
                for path in paths if isinstance(paths, list) else [paths]:
                    if path.startswith('$.payload.'):
                        fields.add(path.rsplit('.', 1)[1])
            self.assertEqual(set(definition.payload.fields), fields,
                             entry['event_type'])

    def test_versioned_paths_quote_the_object_data_key(self):
        [entry] = [e for e in self.generate('versioned')
                   if e['event_type'] == 'dbaas.instance_create.end']
        self.assertEqual("$.payload['trove_object.data'].tenant_id",
                         entry['traits']['tenant_id']['fields'])

    def test_unversioned_paths_are_the_spec_paths(self):
        [entry] = [e for e in self.generate('unversioned')
                   if e['event_type'] == 'trove.instance.modify_volume']
        self.assertEqual({'fields': '$.payload.old_volume_size',
                          'type': 'int'},
                         entry['traits']['old_volume_size'])
        self.assertEqual({'fields': '$.payload.modify_at',
                          'type': 'datetime'}, entry['traits']['modify_at'])

    def test_resource_id_trait_reads_instance_id(self):
        [entry] = [e for e in self.generate('unversioned')
                   if e['event_type'] == 'trove.instance.exists']
        self.assertEqual('$.payload.instance_id',
                         entry['traits']['resource_id']['fields'])
        self.assertNotIn('instance_id', entry['traits'])

    def test_paths_work_with_a_real_jsonpath_parser(self):
        samples = _wire_samples('versioned')
        parsed = {}
        for entry in self.generate('versioned'):
            message = samples[entry['event_type']]
            for trait in entry['traits'].values():
                paths = trait['fields']
                for path in paths if isinstance(paths, list) else [paths]:
                    if path.startswith('ctxt.'):
                        continue
                    if path not in parsed:
                        parsed[path] = jsonpath_ng.parse(path)
                    found = [m.value for m in parsed[path].find(message)]
                    self.assertEqual([resolve(path, message)], found, path)


class TestCommand(testcase.TestCase):

    def test_writes_to_stdout_without_output(self):
        out = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', out))
        self.assertEqual(0, main.main(['ceilometer-definitions',
                                       '--catalog', 'trove']))
        text = out.getvalue()
        self.assertTrue(text.startswith('# Ceilometer event definitions'))
        self.assertEqual(len(trove.EVENTS), len(yaml.safe_load(text)))

    def test_unknown_catalog_is_an_error_naming_installed_ones(self):
        err = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', err))
        self.assertEqual(2, main.main(['ceilometer-definitions',
                                       '--catalog', 'nope']))
        self.assertIn('trove', err.getvalue())

    def test_sensitive_fields_are_not_traits(self):
        from tidings.catalogs.demo import events as demo
        traits = ceilometer.traits(demo.BackupPayload)
        self.assertNotIn('encryption_key', traits)

    def test_nested_payload_fields_become_prefixed_traits(self):
        from tidings.catalogs.demo import events as demo
        traits = ceilometer.traits(demo.BackupPayload, 'unversioned')
        self.assertEqual({'fields': '$.payload.volume.size_gb',
                          'type': 'int'}, traits['volume_size_gb'])


class TestResolver(testcase.TestCase):

    def test_resolves_dotted_and_bracket_steps(self):
        self.assertEqual(1, resolve("$.a['b.c'].d", {'a': {'b.c': {'d': 1}}}))

    def test_accepts_paths_without_dollar(self):
        self.assertEqual(2, resolve('payload.x', {'payload': {'x': 2}}))

    def test_rejects_what_it_cannot_parse(self):
        self.assertRaises(ValueError, resolve, '$.a[0]', {'a': [1]})



# -- what Ceilometer reads (checked against Ceilometer itself by
# tests/functional/test_ceilometer.py) -------------------------------------

CT = base.ObjectRegistry('ceilotest')


@CT.register
class OwnerPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {'id': fields.UUIDField(), 'project': fields.StringField(),
              'user': fields.StringField()}


@CT.register
class ThingPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
        'size': fields.IntegerField(),
        'duration_ms': fields.FloatField(),
        'began': fields.DateTimeField(),
        'ended': fields.DateTimeField(),
        'labels': common.JsonDictField(),
        'history': common.JsonListField(),
        'tags': fields.ListOfStringsField(),
        'owner': fields.ObjectField('OwnerPayload'),
    }


def thing_registry(payload=ThingPayload, **options):
    registry = registry_mod.EventRegistry('ceilotest', objects=CT)
    registry.define('EVENT_TYPE_THING_CREATE', 'ceilotest.thing.create',
                    'info', payload, **options)
    return registry


def payload_class(name, **attributes):
    """A ThingPayload subclass with Ceilometer class attributes, outside
    any registry (its nested OwnerPayload resolves through CT)."""
    return type(name, (ThingPayload,), dict(attributes,
                                            __module__=__name__))


class TestEventTypes(testcase.TestCase):

    def test_status_variants_match_every_status_and_nothing_else(self):
        from tidings.catalogs import magnetodb
        definitions = ceilometer.event_definitions([magnetodb.EVENTS])
        [entry] = [e for e in definitions if e['event_type'].startswith(
            'magnetodb.req.create_table.error')]
        pattern = entry['event_type']
        self.assertEqual('magnetodb.req.create_table.error.[1-5][0-9][0-9]',
                         pattern)
        for event_type in ('magnetodb.req.create_table.error.404',
                           'magnetodb.req.create_table.error.500'):
            self.assertTrue(fnmatch.fnmatchcase(event_type, pattern))
        for event_type in ('magnetodb.req.create_table.error',
                           'magnetodb.req.create_table.error.4040',
                           'magnetodb.req.create_table.error.abc',
                           'magnetodb.req.create_table.error.600'):
            self.assertFalse(fnmatch.fnmatchcase(event_type, pattern))

    def test_every_sampled_event_type_matches_exactly_one_entry(self):
        from tidings import catalogs
        from tidings import samples
        for catalog in catalogs.select(None):
            entries = ceilometer.event_definitions([catalog.registry])
            for _d, sampled in samples.sampled_definitions(catalog.registry):
                matching = [e['event_type'] for e in entries
                            if fnmatch.fnmatchcase(sampled.event_type_str,
                                                   e['event_type'])]
                self.assertEqual(1, len(matching), sampled.event_type_str)


class TestTraits(testcase.TestCase):

    def test_json_containers_are_not_traits(self):
        traits = ceilometer.traits(ThingPayload, 'unversioned')
        for name in ('labels', 'history', 'tags'):
            self.assertNotIn(name, traits)
        self.assertTrue(ceilometer.is_container(ThingPayload.fields['tags']))
        self.assertFalse(ceilometer.is_container(ThingPayload.fields['name']))

    def test_catalog_json_fields_are_not_traits(self):
        from tidings.catalogs.watcher import payloads as watcher
        traits = ceilometer.traits(watcher.AuditCreatePayload)
        self.assertNotIn('parameters', traits)
        self.assertNotIn('scope', traits)

    def test_nested_project_and_user_are_mapped_with_context_fallback(self):
        traits = ceilometer.traits(ThingPayload)
        data = "$.payload['ceilotest_object.data']"
        self.assertEqual(
            {'fields': [data + ".owner['ceilotest_object.data'].project",
                        'ctxt.project_id'], 'type': 'text'},
            traits['project_id'])
        self.assertEqual(
            [data + ".owner['ceilotest_object.data'].user", 'ctxt.user_id'],
            traits['user_id']['fields'])
        self.assertEqual(data + ".owner['ceilotest_object.data'].id",
                         traits['resource_id']['fields'])

    def test_top_level_fields_come_before_nested_ones(self):
        from tidings.catalogs.magnetodb import payloads as mdb
        self.assertEqual(
            ['$.payload.tenant_id', '$.payload.item.tenant_id'],
            ceilometer.role_paths(mdb.RequestPayload, 'project_id',
                                  'unversioned'))

    def test_ceilometer_ids_name_the_fields_first(self):
        cls = payload_class('NamedPayload',
                            CEILOMETER_IDS={'resource_id': 'name'})
        self.assertEqual(
            ['$.payload.name', '$.payload.owner.id'],
            ceilometer.role_paths(cls, 'resource_id', 'unversioned'))

    def test_a_renamed_field_fills_its_role(self):
        self.assertEqual(
            '$.payload.instance_id',
            ceilometer.traits(trove.payloads.InstanceExistsPayload,
                              'unversioned')['resource_id']['fields'])

    def test_ceilometer_ids_with_an_unknown_role_is_an_error(self):
        cls = payload_class('BadRolePayload',
                            CEILOMETER_IDS={'owner': 'name'})
        exc = self.assertRaises(errors.EventDefinitionError,
                                ceilometer.traits, cls)
        self.assertIn("BadRolePayload.CEILOMETER_IDS is {'owner': 'name'}",
                      str(exc))
        self.assertIn('project_id, user_id, resource_id', str(exc))

    def test_ceilometer_ids_naming_no_field_is_an_error(self):
        cls = payload_class('BadFieldPayload',
                            CEILOMETER_IDS={'resource_id': 'nope'})
        self.assertRaisesNaming(errors.EventDefinitionError,
                                ["names field 'nope'", 'owner.id'],
                                ceilometer.traits, cls)


class TestMeters(testcase.TestCase):

    def test_statsd_metrics_give_a_count_and_a_duration(self):
        meters = ceilometer.meter_definitions(
            [thing_registry(metrics=['thing.create'])], 'unversioned')
        owner = '$.payload.owner.'
        self.assertEqual([
            {'name': 'thing.create',
             'event_type': r'ceilotest\.thing\.create$', 'type': 'delta',
             'unit': 'event', 'volume': 1,
             'project_id': owner + 'project', 'user_id': owner + 'user',
             'resource_id': owner + 'id'},
            {'name': 'thing.create.duration',
             'event_type': r'ceilotest\.thing\.create$', 'type': 'gauge',
             'unit': 'ms', 'volume': '$.payload.duration_ms',
             'project_id': owner + 'project', 'user_id': owner + 'user',
             'resource_id': owner + 'id'}], meters)

    def test_an_event_without_metrics_or_usage_has_no_meter(self):
        self.assertEqual([], ceilometer.meter_definitions([thing_registry()]))

    def test_status_variant_meters_match_every_status(self):
        from tidings.catalogs import magnetodb
        [meter] = [m for m in ceilometer.meter_definitions(
            [magnetodb.EVENTS]) if m['name'] == 'mdb.req.create_table.error']
        regex = re.compile(meter['event_type'])
        self.assertTrue(regex.match('magnetodb.req.create_table.error.404'))
        self.assertFalse(regex.match('magnetodb.req.create_table.error'))
        self.assertFalse(regex.match(
            'magnetodb.req.create_table.error.4041'))

    def test_trove_exists_is_ceilometers_own_meter(self):
        [meter] = [m for m in ceilometer.meter_definitions(
            [trove.EVENTS], 'unversioned')
            if m['name'] == 'trove.instance.exists']
        self.assertEqual({
            'name': 'trove.instance.exists',
            'event_type': r'trove\.instance\.exists$',
            'type': 'cumulative', 'unit': 's',
            'volume': {'fields': ['$.payload.audit_period_beginning',
                                  '$.payload.audit_period_ending'],
                       'plugin': 'timedelta'},
            'project_id': '$.payload.tenant_id',
            'user_id': '$.payload.user_id',
            'resource_id': '$.payload.instance_id'}, meter)

    def test_declared_meter_volume_can_be_a_field(self):
        cls = payload_class('SizedPayload', CEILOMETER_METERS=[
            {'name': 'thing.size', 'type': 'gauge', 'unit': 'GB',
             'volume': 'size', 'resource_id': 'name'}])
        [meter] = ceilometer.meter_definitions([thing_registry(cls)],
                                               'unversioned')
        self.assertEqual('$.payload.size', meter['volume'])
        self.assertEqual('$.payload.name', meter['resource_id'])

    def check_meter_error(self, spec, *expected):
        cls = payload_class('MeteredPayload', CEILOMETER_METERS=[spec])
        exc = self.assertRaises(errors.EventDefinitionError,
                                ceilometer.meter_definitions,
                                [thing_registry(cls)])
        for text in expected:
            self.assertIn(text, str(exc))

    def test_a_meter_type_ceilometer_lacks_is_an_error(self):
        self.check_meter_error(
            {'name': 'm', 'type': 'counter', 'unit': 'B', 'volume': 1},
            "meter m type 'counter'", 'gauge, delta, cumulative')

    def test_a_meter_without_unit_is_an_error(self):
        self.check_meter_error({'name': 'm', 'type': 'gauge', 'volume': 1},
                               'missing unit')

    def test_an_unknown_meter_key_is_an_error(self):
        self.check_meter_error(
            {'name': 'm', 'type': 'gauge', 'unit': 'B', 'volume': 1,
             'colour': 'red'}, 'unknown key(s) colour')

    def test_a_text_volume_is_an_error_listing_the_numeric_fields(self):
        self.check_meter_error(
            {'name': 'm', 'type': 'gauge', 'unit': 'B', 'volume': 'name'},
            "meter volume 'name'", 'size, duration_ms', 'began, ended')

    def test_a_metered_event_without_resource_is_an_error(self):
        from tidings.catalogs.magnetodb import payloads as mdb
        exc = self.assertRaises(
            errors.EventDefinitionError, ceilometer.meter_definitions,
            [thing_registry(mdb.RateLimitPayload, metrics=['m'])])
        self.assertIn('payload RateLimitPayload has no field naming the '
                      'metered resource', str(exc))
        self.assertIn('CEILOMETER_IDS', str(exc))

    def test_one_meter_of_several_events_lists_their_types(self):
        registry = thing_registry(metrics=['thing.any'])
        registry.define('EVENT_TYPE_THING_DELETE', 'ceilotest.thing.delete',
                        'info', ThingPayload, metrics=['thing.any'])
        counts = [m for m in ceilometer.meter_definitions([registry])
                  if m['name'] == 'thing.any']
        self.assertEqual([[r'ceilotest\.thing\.create$',
                           r'ceilotest\.thing\.delete$']],
                         [m['event_type'] for m in counts])


class TestHeader(testcase.TestCase):

    def test_lists_the_dropped_events_and_the_option(self):
        from tidings.catalogs import magnetodb
        text = ceilometer.header([magnetodb.EVENTS], 'versioned')
        self.assertIn('reads only the priorities info and error;', text)
        self.assertIn('#   audit: magnetodb.task.create_table.start,', text)
        self.assertIn('#   debug: magnetodb.req.list_table,', text)
        self.assertIn('#   wire_priorities = debug:info,audit:info\n', text)
        for line in text.splitlines():
            self.assertTrue(line.startswith('#') or not line, line)

    def test_says_nothing_of_dropped_events_when_there_are_none(self):
        text = ceilometer.header([trove.EVENTS], 'versioned')
        self.assertNotIn('wire_priorities', text)
        self.assertNotIn('at a priority it drops', text)

    def test_meters_header_names_the_meter_endpoint(self):
        from tidings.catalogs import magnetodb
        text = ceilometer.header([magnetodb.EVENTS], 'versioned',
                                 meters=True)
        self.assertIn('meter endpoint', text)
        self.assertIn('info and sample', text)
        self.assertIn('/etc/ceilometer/meters.d/', text)
        # Only the events that have meters are listed.
        self.assertNotIn('magnetodb.task.create_table.start,', text)

    def test_the_priorities_follow_the_lint_list(self):
        from tidings.notifications import lint
        self.assertEqual(('info', 'error'), ceilometer.EVENT_PRIORITIES)
        self.assertFalse(set(ceilometer.EVENT_PRIORITIES)
                         & set(lint.CEILOMETER_DROPPED))


class TestMetersCommand(testcase.TestCase):

    def test_writes_a_meters_file(self):
        out = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', out))
        self.assertEqual(0, main.main(['ceilometer-definitions',
                                       '--catalog', 'trove', '--meters']))
        text = out.getvalue()
        self.assertTrue(text.startswith('# Ceilometer meter definitions'))
        self.assertIn('--format versioned --meters\n', text)
        self.assertEqual(['trove.instance.exists'],
                         [m['name'] for m in yaml.safe_load(text)['metric']])
