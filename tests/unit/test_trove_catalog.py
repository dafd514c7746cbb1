"""The trove catalog: every event of the Ceilometer integration spec."""

import datetime

import jsonschema
import testtools

from tests.unit import catalog_testing
from tidings import catalogs
from tidings.backends import memory
from tidings.catalogs import trove
from tidings.catalogs.trove import events
from tidings.catalogs.trove import payloads
from tidings.notifications import notification
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors
from tidings.objects import schema

#: The spec's appendix, action by action.
APPENDIX_ACTIONS = (
    'instance_create', 'instance_restart', 'instance_resize_volume',
    'instance_resize_instance', 'instance_promote', 'instance_eject',
    'instance_delete', 'instance_detach', 'instance_attach_configuration',
    'instance_detach_configuration',
    'cluster_create', 'cluster_delete', 'cluster_add_shard', 'cluster_grow',
    'cluster_shrink',
    'backup_create', 'backup_delete',
    'database_create', 'database_delete',
    'user_create', 'user_delete', 'user_update_attributes', 'user_grant',
    'user_revoke', 'user_change_password',
    'configuration_create', 'configuration_delete', 'configuration_update',
    'configuration_edit',
)
STATUS_EVENTS = (
    'trove.instance.create', 'trove.instance.delete',
    'trove.instance.modify_volume', 'trove.instance.modify_flavor',
    'trove.instance.exists', 'trove.quota',
)


def _new_notifier():
    backend = memory.MemoryBackend()
    return notifier_mod.Notifier(registries=[trove.EVENTS],
                                 backends=[backend]), backend


def _fields(event_type):
    return trove.EVENTS[event_type].payload.fields


class TestCatalogContents(testtools.TestCase):

    def test_catalog_is_published_as_entry_point_trove(self):
        self.assertIs(trove.EVENTS, catalogs.load('trove'))

    def test_every_appendix_action_has_start_end_and_error(self):
        expected = {'dbaas.%s.%s' % (action, phase)
                    for action in APPENDIX_ACTIONS
                    for phase in ('start', 'end', 'error')}
        defined = {d.event_type_str for d in trove.EVENTS}
        self.assertEqual(set(), expected - defined)

    def test_catalog_holds_exactly_the_spec_events(self):
        self.assertEqual(len(APPENDIX_ACTIONS) * 3 + len(STATUS_EVENTS),
                         len(trove.EVENTS))
        for event_type in STATUS_EVENTS:
            self.assertIn(event_type, trove.EVENTS)

    def test_quota_constant_keeps_spec_name_and_wire_uses_trove_quota(self):
        definition = trove.EVENTS['EVENT_TYPE_DBAAS_QUOTAS']
        self.assertEqual('trove.quota', definition.event_type_str)
        self.assertIs(definition, events.EVENT_TYPE_DBAAS_QUOTAS)

    def test_constants_follow_event_types(self):
        definition = trove.EVENTS.EVENT_TYPE_DBAAS_INSTANCE_CREATE_START
        self.assertEqual('dbaas.instance_create.start',
                         definition.event_type_str)
        self.assertEqual(
            'trove.instance.modify_flavor',
            trove.EVENTS.EVENT_TYPE_TROVE_INSTANCE_MODIFY_FLAVOR
            .event_type_str)

    def test_error_events_are_at_error_level(self):
        self.assertEqual([],
                         catalog_testing.levels_not_by_phase(trove.EVENTS))

    def test_every_event_has_a_sample_and_a_description(self):
        for definition in trove.EVENTS:
            self.assertTrue(callable(definition.sample), definition.name)
            self.assertTrue(definition.description, definition.name)

    def test_samples_are_fixed(self):
        for definition in trove.EVENTS:
            self.assertEqual(definition.sample().obj_to_primitive(),
                             definition.sample().obj_to_primitive(),
                             definition.name)

    def test_sample_datetimes_are_utc(self):
        for definition in trove.EVENTS:
            sample = definition.sample()
            for name in sample.fields:
                value = getattr(sample, name)
                if isinstance(value, datetime.datetime):
                    self.assertEqual(datetime.timedelta(0),
                                     value.utcoffset(), definition.name)

    def test_every_event_is_a_constant_of_the_events_module(self):
        for definition in trove.EVENTS:
            self.assertIs(definition, getattr(events, definition.name, None),
                          definition.name)

    def test_every_payload_is_a_class_of_the_payloads_module(self):
        for cls in trove.EVENTS.payload_classes():
            self.assertIs(cls, getattr(payloads, cls.__name__, None),
                          cls.__name__)
            self.assertEqual(payloads.__name__, cls.__module__)

    def test_actions_are_the_appendix_in_its_order(self):
        self.assertEqual(APPENDIX_ACTIONS, events.ACTIONS)

    def test_payloads_live_in_namespace_trove(self):
        for cls in trove.EVENTS.payload_classes():
            self.assertEqual('trove', cls.OBJ_PROJECT_NAMESPACE,
                             cls.obj_name())


class TestTraits(testtools.TestCase):

    def test_base_traits_are_required_on_every_dbaas_payload(self):
        for definition in trove.EVENTS:
            if not definition.event_type_str.startswith('dbaas.'):
                continue
            cls = definition.payload
            for name in payloads.BASE_TRAITS:
                self.assertIn(name, cls.fields, definition.name)
                self.assertFalse(cls.fields[name].nullable,
                                 '%s.%s' % (definition.name, name))

    def test_error_payloads_carry_message_and_exception(self):
        for action in APPENDIX_ACTIONS:
            cls = trove.EVENTS['dbaas.%s.error' % action].payload
            self.assertIn('message', cls.fields)
            self.assertIn('exception', cls.fields)

    def test_required_start_traits_are_not_nullable(self):
        fields = _fields('dbaas.instance_create.start')
        for name in ('name', 'flavor', 'datastore'):
            self.assertFalse(fields[name].nullable, name)

    def test_specified_only_start_traits_are_nullable(self):
        fields = _fields('dbaas.instance_create.start')
        for name in ('datastore_version', 'databases', 'users',
                     'volume_size', 'restore_point', 'availability_zone',
                     'replica_of', 'replica_count'):
            self.assertTrue(fields[name].nullable, name)

    def test_end_traits_of_create_actions(self):
        self.assertIn('instance_id', _fields('dbaas.instance_create.end'))
        self.assertIn('cluster_id', _fields('dbaas.cluster_create.end'))
        self.assertIn('backup_id', _fields('dbaas.backup_create.end'))
        self.assertIn('configuration_id',
                      _fields('dbaas.configuration_create.end'))

    def test_status_payloads_have_base_and_common_traits(self):
        fields = _fields('trove.instance.create')
        for name in ('tenant_id', 'user_id', 'instance_id', 'instance_type',
                     'instance_type_id', 'launched_at', 'instance_name',
                     'state', 'state_description', 'nova_instance_id',
                     'service_id', 'created_at', 'region', 'name',
                     'availability_zone', 'instance_size', 'volume_size',
                     'nova_volume_id', 'cluster_id'):
            self.assertIn(name, fields)

    def test_exists_payload_has_audit_period_not_common_traits(self):
        fields = _fields('trove.instance.exists')
        self.assertIn('audit_period_beginning', fields)
        self.assertIn('audit_period_ending', fields)
        self.assertIn('display_name', fields)
        self.assertNotIn('instance_size', fields)

    def test_no_payload_has_a_password_field(self):
        for cls in trove.EVENTS.payload_classes():
            for name in cls.fields:
                for word in ('password', 'passwd', 'secret'):
                    self.assertNotIn(word, name.lower(),
                                     '%s.%s' % (cls.obj_name(), name))

    def test_server_type_accepts_only_api_task_conductor(self):
        cls = trove.EVENTS['dbaas.instance_restart.start'].payload
        error = self.assertRaises(errors.FieldValueError, cls,
                                  server_type='guest')
        self.assertIn('api, task, conductor', str(error))


class TestEmitting(testtools.TestCase):

    def test_every_event_emits_its_sample(self):
        notifier, backend = _new_notifier()
        for definition in trove.EVENTS:
            note = notifier.notify(definition, definition.sample())
            self.assertIsNotNone(note, definition.name)
        self.assertEqual(len(trove.EVENTS), len(backend.messages))
        for definition, wire in zip(trove.EVENTS, backend.messages,
                                    strict=True):
            self.assertEqual(definition.event_type_str, wire['event_type'])
            self.assertEqual(definition.level.upper(), wire['priority'])
            payload = wire['payload']
            self.assertEqual('trove', payload['trove_object.namespace'])
            self.assertEqual(definition.payload.VERSION,
                             payload['trove_object.version'])
            self.assertEqual(definition.payload.obj_name(),
                             payload['trove_object.name'])
            self.assertEqual(set(definition.payload.fields),
                             set(payload['trove_object.data']))

    def assertMissingTraitNamed(self, event_type, trait):
        """The sample of ``event_type`` without ``trait`` is refused,
        naming both; the error."""
        notifier, _ = _new_notifier()
        definition = trove.EVENTS[event_type]
        payload = definition.sample()
        delattr(payload, trait)
        error = self.assertRaises(errors.MissingFieldError, notifier.notify,
                                  definition, payload)
        self.assertIn(event_type, str(error))
        self.assertIn(trait, str(error))
        return error

    def test_missing_required_trait_names_event_and_trait(self):
        error = self.assertMissingTraitNamed(
            'dbaas.instance_resize_volume.start', 'new_size')
        self.assertEqual('dbaas.instance_resize_volume.start', error.event)

    def test_missing_base_trait_on_shared_payload_names_the_event(self):
        self.assertMissingTraitNamed('dbaas.user_grant.end', 'request_id')

    def test_every_sample_validates_against_its_json_schema(self):
        notifier, _ = _new_notifier()
        for definition in trove.EVENTS:
            note = notifier.notify(definition, definition.sample())
            for fmt in (notification.VERSIONED, notification.UNVERSIONED):
                jsonschema.validate(
                    note.to_wire(fmt),
                    schema.notification_schema(definition, fmt))
