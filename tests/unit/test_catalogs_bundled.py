"""Every event of the watcher, senlin, magnetodb and trove catalogs is
emitted.

Each event's sample payload goes through a Notifier on the memory backend;
the wire message must carry the definition's event type, priority and the
payload's name, namespace and version.
"""

import datetime
import json

import jsonschema
import testtools

from tests.unit import catalog_testing
from tidings import catalogs
from tidings.notifications import notification as notification_mod
from tidings.objects import schema

NAMES = ('magnetodb', 'senlin', 'trove', 'watcher')


class BundledCatalogsTest(testtools.TestCase):

    def emitted(self, name):
        registry = catalogs.load(name)
        notifier, backend = catalog_testing.memory_notifier(
            registry, level='debug')
        sent = []
        for definition in catalog_testing.every_event(registry):
            if definition.removed:
                continue
            note = notifier.notify(definition, definition.sample)
            self.assertIsNotNone(note, definition.name)
            sent.append((definition, note.to_wire()))
        self.assertEqual(len(sent), len(backend.messages))
        return sent

    def check_wire(self, definition, wire):
        notification_mod.check_wire(wire)
        self.assertEqual(definition.event_type_str, wire['event_type'])
        self.assertEqual(definition.level.upper(), wire['priority'])
        ns = definition.namespace + '_object'
        payload = wire['payload']
        self.assertEqual(definition.payload_name, payload[ns + '.name'])
        self.assertEqual(definition.namespace, payload[ns + '.namespace'])
        self.assertEqual(definition.payload_version,
                         payload[ns + '.version'])
        self.assertNotIn(ns + '.changes', payload)
        json.dumps(wire)

    def assertEmittedAsDefined(self, name, count):
        """Every one of the ``count`` events of catalog ``name`` is sent
        with the wire message its definition says."""
        sent = self.emitted(name)
        self.assertEqual(count, len(sent))
        for definition, wire in sent:
            self.check_wire(definition, wire)

    def test_every_magnetodb_event_is_emitted_as_defined(self):
        self.assertEmittedAsDefined('magnetodb', 56)

    def test_every_senlin_event_is_emitted_as_defined(self):
        self.assertEmittedAsDefined('senlin', 69)

    def test_every_trove_event_is_emitted_as_defined(self):
        self.assertEmittedAsDefined('trove', 93)

    def test_every_watcher_event_is_emitted_as_defined(self):
        self.assertEmittedAsDefined('watcher', 9)

    def test_every_wire_message_validates_against_its_json_schema(self):
        for name in NAMES:
            for definition, wire in self.emitted(name):
                template = definition.template or definition
                jsonschema.validate(wire, schema.notification_schema(
                    template))

    def test_every_unversioned_payload_validates_against_its_schema(self):
        for name in NAMES:
            registry = catalogs.load(name)
            notifier, backend = catalog_testing.memory_notifier(
                registry, level='debug', notification_format='unversioned')
            for definition in catalog_testing.every_event(registry):
                if definition.removed:
                    continue
                wire = notifier.notify(definition, definition.sample).to_wire(
                    'unversioned')
                self.assertNotIn('%s_object.data' % definition.namespace,
                                 wire['payload'])
                jsonschema.validate(wire['payload'], schema.unversioned_schema(
                    definition.payload))

    def test_catalogs_are_published_as_entry_points(self):
        self.assertTrue(set(NAMES) <= set(catalogs.names()))
        for name in NAMES:
            self.assertEqual(name, catalogs.load(name).name)

    def test_every_event_has_a_sample_and_a_description(self):
        for name in NAMES:
            for definition in catalogs.load(name):
                self.assertTrue(callable(definition.sample), definition.name)
                self.assertTrue(definition.description, definition.name)
                self.assertIsInstance(definition.sample(),
                                      definition.payload)

    def test_samples_are_fixed(self):
        for name in NAMES:
            for definition in catalogs.load(name):
                self.assertEqual(definition.sample().obj_to_primitive(),
                                 definition.sample().obj_to_primitive(),
                                 definition.name)

    def test_sample_datetimes_are_utc(self):
        for name in NAMES:
            for definition in catalogs.load(name):
                for value in _datetimes(definition.sample()):
                    self.assertEqual(0, value.utcoffset().total_seconds(),
                                     definition.name)

    def test_watcher_events_list_as_json(self):
        listed = json.loads(json.dumps(
            [d.as_dict() for d in catalogs.load('watcher')]))
        self.assertEqual(9, len(listed))
        self.assertEqual(
            {'audit.create', 'audit.update', 'audit.delete',
             'audit.strategy.start', 'audit.strategy.end',
             'audit.strategy.error', 'audit.planner.start',
             'audit.planner.end', 'audit.planner.error'},
            {d['event_type'] for d in listed})
        for entry in listed:
            self.assertEqual('watcher', entry['namespace'])
            self.assertEqual(['messaging'], entry['mechanisms'])

    def test_magnetodb_error_variants_list_with_status_placeholder(self):
        listed = {d['name']: d for d in (
            x.as_dict() for x in catalogs.load('magnetodb'))}
        entry = listed['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_<status>']
        self.assertEqual('magnetodb.req.create_table.error.<status>',
                         entry['event_type'])
        self.assertEqual(['mdb.req.create_table.error.<status>'],
                         entry['metrics'])


def _datetimes(payload):
    for name in payload.fields:
        if not payload.obj_attr_is_set(name):
            continue
        value = getattr(payload, name)
        if isinstance(value, datetime.datetime):
            yield value
        elif hasattr(value, 'fields'):
            yield from _datetimes(value)
