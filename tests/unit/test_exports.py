"""tidings.exports: the AsyncAPI document and the JSON Schema bundle.

The real tools (``@asyncapi/parser``, ``check-jsonschema``) check them in
``tests/functional/test_asyncapi.py``; these tests check what tidings
puts in them: every event, every released version, examples valid
against their schemas (``jsonschema``), ids and references that resolve.
"""

import functools
import json
import os

import fixtures
import jsonschema
import referencing
import testtools
import yaml

from tests.unit import catalog as unitcat
from tests.unit import cmdbase
from tidings import catalogs
from tidings import samples
from tidings.exports import asyncapi
from tidings.exports import schemas
from tidings.objects import errors

VALIDATOR = jsonschema.Draft202012Validator


def contract(name):
    return catalogs.select([name])[0]


@functools.lru_cache(maxsize=None)
def demo_document():
    """demo's document, built once (the tests only read it)."""
    return asyncapi.document(contract('demo'))


def unitcat_contract():
    return catalogs.contract(unitcat.EVENTS, project=None)


def resolve(doc, ref):
    node = doc
    for part in ref[2:].split('/'):
        node = node[part.replace('~1', '/').replace('~0', '~')]
    return node


def message_validator(doc, message):
    """A validator of ``message``'s payload with the document's component
    schemas reachable (``#/components/schemas/...``)."""
    schema = dict(message['payload'])
    schema['components'] = doc['components']
    return VALIDATOR(schema, format_checker=VALIDATOR.FORMAT_CHECKER)


class TestAsyncapiDocument(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.doc = demo_document()

    def test_header(self):
        self.assertEqual('3.0.0', self.doc['asyncapi'])
        self.assertEqual('demo notifications', self.doc['info']['title'])
        self.assertEqual('application/json', self.doc['defaultContentType'])
        self.assertEqual('amqp', self.doc['servers']['broker']['protocol'])
        self.assertRegex(self.doc['info']['version'], r'^[0-9a-f]{12}$')

    def test_deterministic(self):
        again = asyncapi.document(contract('demo'))
        self.assertEqual(asyncapi.render(self.doc), asyncapi.render(again))

    def test_every_published_event_has_a_message_per_format(self):
        registry = contract('demo').registry
        published = [d for d in registry if asyncapi.published(d)]
        self.assertNotEqual([], published)
        messages = self.doc['components']['messages']
        expected = set()
        for definition in published:
            expected.add(definition.event_type_str)
            expected.add(definition.event_type_str + '.unversioned')
        self.assertEqual(expected, set(messages))
        left_out = [d for d in registry if not asyncapi.published(d)]
        for definition in left_out:
            self.assertNotIn(definition.event_type_str, messages)

    def test_channels_are_topic_dot_priority_with_amqp_bindings(self):
        channels = self.doc['channels']
        addresses = {c['address'] for c in channels.values()}
        self.assertEqual({'versioned_notifications.info',
                          'versioned_notifications.error',
                          'notifications.info', 'notifications.error'},
                         addresses)
        for channel in channels.values():
            amqp = channel['bindings']['amqp']
            self.assertEqual('routingKey', amqp['is'])
            self.assertEqual({'name': 'openstack', 'type': 'topic',
                              'durable': False, 'autoDelete': False,
                              'vhost': '/'}, amqp['exchange'])
            self.assertEqual('0.3.0', amqp['bindingVersion'])
            level = channel['address'].rsplit('.', 1)[1]
            for ref in channel['messages'].values():
                message = resolve(self.doc, ref['$ref'])
                self.assertEqual(level, message['x-tidings']['level'])
                unversioned = channel['address'].startswith('notifications.')
                self.assertEqual('unversioned' if unversioned
                                 else 'versioned',
                                 message['x-tidings']['format'])

    def test_operations_send_every_channel_message(self):
        operations = self.doc['operations']
        self.assertEqual(len(self.doc['channels']), len(operations))
        for operation in operations.values():
            self.assertEqual('send', operation['action'])
            channel = resolve(self.doc, operation['channel']['$ref'])
            self.assertEqual(len(channel['messages']),
                             len(operation['messages']))
            for ref in operation['messages']:
                self.assertIsInstance(resolve(self.doc, ref['$ref']), dict)
            self.assertEqual(2, operation['bindings']['amqp']['deliveryMode'])

    def test_every_reference_resolves(self):
        refs = []

        def walk(node):
            if isinstance(node, dict):
                if isinstance(node.get('$ref'), str):
                    refs.append(node['$ref'])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(self.doc)
        self.assertNotEqual([], refs)
        for ref in refs:
            self.assertTrue(ref.startswith('#/'), ref)
            resolve(self.doc, ref)
        self.assertNotIn('$defs', json.dumps(self.doc))
        self.assertNotIn('$schema', json.dumps(self.doc))

    def test_examples_are_the_samples_and_valid(self):
        registry = contract('demo').registry
        checked = 0
        for key, message in self.doc['components']['messages'].items():
            examples = message['examples']
            self.assertEqual(1, len(examples))
            validator = message_validator(self.doc, message)
            errors_found = list(validator.iter_errors(examples[0]['payload']))
            self.assertEqual([], errors_found, key)
            checked += 1
            if key.endswith('.unversioned'):
                self.assertNotIn('demo_object.data',
                                 examples[0]['payload']['payload'])
            else:
                sample = json.loads(samples.sample_text(
                    registry, message['title'],
                    contract('demo').samples))
                self.assertEqual(sample, examples[0]['payload'])
        self.assertGreater(checked, 0)

    def test_a_wrong_example_is_refused(self):
        message = self.doc['components']['messages'][
            'demo.backup.create.end']
        example = json.loads(json.dumps(message['examples'][0]['payload']))
        example['payload']['demo_object.version'] = '9.9'
        validator = message_validator(self.doc, message)
        self.assertFalse(validator.is_valid(example))

    def test_yaml_and_json_hold_the_same_document(self):
        from_yaml = yaml.safe_load(asyncapi.render(self.doc, 'yaml'))
        self.assertEqual(json.loads(asyncapi.render(self.doc)), from_yaml)
        self.assertNotIn('&id', asyncapi.render(self.doc, 'yaml'))

    def test_routing_options(self):
        doc = asyncapi.document(contract('demo'), asyncapi.Routing(
            exchange='nova', topics=['a', 'b'], unversioned_topics=[],
            durable=True))
        self.assertEqual({'a.info', 'a.error', 'b.info', 'b.error'},
                         {c['address'] for c in doc['channels'].values()})
        for channel in doc['channels'].values():
            exchange = channel['bindings']['amqp']['exchange']
            self.assertEqual(('nova', True), (exchange['name'],
                                              exchange['durable']))
        self.assertFalse(any(k.endswith('.unversioned')
                             for k in doc['components']['messages']))

    def test_bad_routing_is_refused(self):
        exc = self.assertRaises(errors.TidingsError, asyncapi.Routing,
                                topics=['has space'])
        self.assertIn("topic 'has space'", str(exc))
        exc = self.assertRaises(errors.TidingsError, asyncapi.Routing,
                                topics=[], unversioned_topics=[])
        self.assertIn('at least one', str(exc))


class TestAsyncapiStatusVariants(testtools.TestCase):
    """magnetodb's ``....error`` events carry the HTTP status in the event
    type: one message each, its example the sampled status."""

    def test_status_variant_messages(self):
        doc = asyncapi.document(contract('magnetodb'))
        registry = contract('magnetodb').registry
        variants = [d for d in registry if d.status_variants]
        self.assertNotEqual([], variants)
        messages = doc['components']['messages']
        for definition in variants:
            message = messages[definition.event_type_str]
            self.assertEqual(definition.event_type_str + '.<status>',
                             message['name'])
            example = message['examples'][0]['payload']
            self.assertEqual('%s.%d' % (definition.event_type_str,
                                        samples.sample_status(definition)),
                             example['event_type'])
            validator = message_validator(doc, message)
            self.assertEqual([], list(validator.iter_errors(example)))
            example = dict(example, event_type=definition.event_type_str +
                           '.999')
            self.assertFalse(validator.is_valid(example))


class TestAsyncapiVersions(testtools.TestCase):
    """unitcat's TablePayload: 1.0 and 1.1 locked, 1.2 current."""

    def test_every_locked_version_is_a_schema_and_one_of_the_payload(self):
        doc = asyncapi.document(unitcat_contract())
        store = doc['components']['schemas']
        for version in ('1.0', '1.1', '1.2'):
            self.assertIn('unitcat.TablePayload-%s' % version, store)
            self.assertIn('unitcat.TablePayload-%s-unversioned' % version,
                          store)
        self.assertIn('unitcat.DiskPayload-1.0', store)
        message = doc['components']['messages']['unitcat.table.create.end']
        one_of = message['payload']['properties']['payload']['oneOf']
        self.assertEqual(['#/components/schemas/unitcat.TablePayload-%s' % v
                          for v in ('1.0', '1.1', '1.2')],
                         [r['$ref'] for r in one_of])
        self.assertIn('versions 1.0, 1.1, 1.2', message['description'])
        # a payload of 1.1 (no tags) is valid, 1.1 with tags is not
        validator = message_validator(doc, message)
        note = {'priority': 'INFO', 'event_type': 'unitcat.table.create.end',
                'timestamp': '2026-01-01 00:00:00.000000',
                'publisher_id': 'x:y',
                'message_id': '0a9e6f2c-5b4d-4c3e-8f1a-7d6b5c4e3f2a',
                'payload': {'unitcat_object.name': 'TablePayload',
                            'unitcat_object.namespace': 'unitcat',
                            'unitcat_object.version': '1.1',
                            'unitcat_object.data': {
                                'table_name': 't', 'tenant_id': 'p',
                                'rows': 1}}}
        self.assertTrue(validator.is_valid(note))
        note['payload']['unitcat_object.data']['tags'] = ['a']
        self.assertFalse(validator.is_valid(note))

    def test_events_off_the_bus_are_left_out(self):
        doc = asyncapi.document(unitcat_contract())
        messages = doc['components']['messages']
        self.assertIn('unitcat.table.drop', messages)
        for off in ('unitcat.host.ping', 'unitcat.table.audit',
                    'unitcat.req.table_create.error'):
            self.assertNotIn(off, messages)
        # no sample= input: no example, still a message
        self.assertNotIn('examples', messages['unitcat.table.drop'])


class TestSchemaBundle(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.files = schemas.bundle([contract('demo'), unitcat_contract()])

    def registry(self):
        return referencing.Registry().with_resources(
            (doc['$id'], referencing.Resource.from_contents(doc))
            for doc in self.files.values())

    def validator(self, path):
        return VALIDATOR(self.files[path], registry=self.registry(),
                         format_checker=VALIDATOR.FORMAT_CHECKER)

    def test_ids_are_the_base_uri_and_the_path(self):
        for path, doc in self.files.items():
            self.assertEqual(schemas.DEFAULT_BASE_URI + path, doc['$id'])
            self.assertEqual('https://json-schema.org/draft/2020-12/schema',
                             doc['$schema'])
            VALIDATOR.check_schema(doc)
        other = schemas.bundle([contract('demo')],
                               base_uri='https://example.com/s/')
        self.assertEqual('https://example.com/s/envelope.json',
                         other['envelope.json']['$id'])

    def test_every_version_and_event_has_a_file(self):
        for version in ('1.0', '1.1', '1.2'):
            self.assertIn('payloads/unitcat.TablePayload/%s.json' % version,
                          self.files)
        self.assertIn('payloads/demo.VolumePayload/1.0.json', self.files)
        for name, registry in (('demo', contract('demo').registry),
                               ('unitcat', unitcat.EVENTS)):
            for definition in registry:
                path = schemas.event_path(name, definition)
                if definition.removed:
                    self.assertNotIn(path, self.files)
                else:
                    self.assertIn(path, self.files)
            self.assertIn('catalogs/%s.json' % name, self.files)

    def test_references_stay_within_the_bundle(self):
        ids = {doc['$id'] for doc in self.files.values()}
        for path, doc in self.files.items():
            text = json.dumps(doc)
            for ref in _refs(doc):
                if ref.startswith('#'):
                    continue
                target = os.path.normpath(os.path.join(
                    os.path.dirname(path), ref))
                self.assertIn(schemas.DEFAULT_BASE_URI + target, ids,
                              '%s: %s' % (path, ref))
            self.assertNotIn('http://', text)

    def test_every_sample_is_valid(self):
        registry = contract('demo').registry
        catalog = self.validator('catalogs/demo.json')
        envelope = self.validator('envelope.json')
        for definition in registry:
            message = json.loads(samples.sample_text(
                registry, definition.name, contract('demo').samples))
            self.assertEqual([], list(catalog.iter_errors(message)))
            self.assertEqual([], list(envelope.iter_errors(message)))
            event = self.validator(schemas.event_path('demo', definition))
            self.assertTrue(event.is_valid(message))
            key = '%s.%s' % (definition.namespace, definition.payload_name)
            payload = self.validator(schemas.payload_path(
                key, definition.payload_version))
            self.assertTrue(payload.is_valid(message['payload']))

    def test_a_wrong_notification_is_refused(self):
        registry = contract('demo').registry
        definition = registry.get('EVENT_TYPE_BACKUP_CREATE_END')
        message = json.loads(samples.sample_text(registry, definition.name))
        catalog = self.validator('catalogs/demo.json')
        wrong = json.loads(json.dumps(message))
        wrong['event_type'] = 'demo.backup.nope'
        self.assertFalse(catalog.is_valid(wrong))
        wrong = json.loads(json.dumps(message))
        wrong['payload']['demo_object.version'] = '9.9'
        self.assertFalse(catalog.is_valid(wrong))
        wrong = json.loads(json.dumps(message))
        wrong['priority'] = 'ERROR'
        self.assertFalse(catalog.is_valid(wrong))

    def test_bad_base_uri_is_refused(self):
        for bad in ('urn:tidings:', 'https://x/no-slash', 'relative/',
                    'https://x y/'):
            exc = self.assertRaises(errors.TidingsError, schemas.bundle,
                                    [contract('demo')], base_uri=bad)
            self.assertIn('base URI %r' % bad, str(exc))
            self.assertIn('ending in "/"', str(exc))


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get('$ref'), str):
            yield node['$ref']
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


class TestCommands(cmdbase.CommandTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def test_asyncapi_to_stdout_and_file(self):
        code, out, _ = self.run_tidings('asyncapi', '--catalog', 'demo')
        self.assertEqual(0, code)
        self.assertEqual('3.0.0', json.loads(out)['asyncapi'])
        path = os.path.join(self.tmp, 'sub', 'demo.yaml')
        code, _, err = self.run_tidings('asyncapi', '--catalog', 'demo',
                                        '-o', path)
        self.assertEqual(0, code, err)
        with open(path) as handle:
            self.assertEqual('3.0.0', yaml.safe_load(handle)['asyncapi'])

    def test_asyncapi_one_file_per_catalog_in_a_folder(self):
        folder = os.path.join(self.tmp, 'docs') + '/'
        code, _, err = self.run_tidings('asyncapi', '--catalog', 'demo',
                                        '--catalog', 'watcher', '-o', folder,
                                        '-f', 'yaml')
        self.assertEqual(0, code, err)
        self.assertEqual(['demo.asyncapi.yaml', 'watcher.asyncapi.yaml'],
                         sorted(os.listdir(folder)))

    def test_schema_all_writes_the_bundle(self):
        folder = os.path.join(self.tmp, 'bundle')
        code, _, err = self.run_tidings('schema', '--all', '--catalog',
                                        'demo', '-o', folder)
        self.assertEqual(0, code, err)
        self.assertIn('wrote 10 schemas', err)
        with open(os.path.join(folder, 'payloads', 'demo.BackupPayload',
                               '1.0.json')) as handle:
            doc = json.load(handle)
        self.assertEqual(schemas.DEFAULT_BASE_URI +
                         'payloads/demo.BackupPayload/1.0.json', doc['$id'])

    def test_schema_of_one_payload_to_a_file(self):
        path = os.path.join(self.tmp, 'backup.json')
        code, _, err = self.run_tidings('schema', 'demo.BackupPayload',
                                        '-o', path)
        self.assertEqual(0, code, err)
        with open(path) as handle:
            self.assertEqual('demo.BackupPayload 1.0',
                             json.load(handle)['title'])
