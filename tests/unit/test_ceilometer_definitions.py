"""``tidings ceilometer-definitions``: every trait path resolves."""

import datetime
import io
import os
import re

import fixtures
import jsonpath_ng
import testtools
import yaml

from tidings.backends import memory
from tidings.catalogs import trove
from tidings.cmd import ceilometer
from tidings.cmd import main
from tidings.notifications import notifier as notifier_mod

_STEP = re.compile(r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\['(?P<key>[^']*)'\]")


def resolve(path, message):
    """The value at ``path`` in ``message``: the ``$``, ``.name`` and
    ``['key']`` subset of JSONPath the generator writes."""
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


class TestGeneratedFile(testtools.TestCase):

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
            fields = {path.rsplit('.', 1)[1] for path in (
                t['fields'] for t in entry['traits'].values())}
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
                path = trait['fields']
                if path not in parsed:
                    parsed[path] = jsonpath_ng.parse(path)
                found = [m.value for m in parsed[path].find(message)]
                self.assertEqual([resolve(trait['fields'], message)], found,
                                 trait['fields'])


class TestCommand(testtools.TestCase):

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


class TestResolver(testtools.TestCase):

    def test_resolves_dotted_and_bracket_steps(self):
        self.assertEqual(1, resolve("$.a['b.c'].d", {'a': {'b.c': {'d': 1}}}))

    def test_accepts_paths_without_dollar(self):
        self.assertEqual(2, resolve('payload.x', {'payload': {'x': 2}}))

    def test_rejects_what_it_cannot_parse(self):
        self.assertRaises(ValueError, resolve, '$.a[0]', {'a': [1]})

