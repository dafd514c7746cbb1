"""Sample-fixture regression tests: code, samples and schemas agree.

One test per event of every installed catalog, generated here from the
registries (never hand-listed), so a new event gets its tests by being
defined.  Each emits the event through a live Notifier into the memory
backend with the definition's sample input and compares the wire message
with the committed ``samples/<catalog>/<event_type>.json``, ignoring only
``timestamp`` and ``message_id``.  Two more tests per event validate the
committed sample against the notification's JSON Schema: the one built
from the code, and the one the lock file stores (what consumers get).
"""

import difflib
import importlib
import json
import os
import re

import testtools

from tidings import catalogs
from tidings import samples
from tidings.objects import fingerprint
from tidings.objects import lockfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SAMPLES_DIR = os.path.join(ROOT, 'samples')
REGISTRIES = catalogs.load_all()

schema_mod = importlib.import_module('tidings.objects.schema')


def regenerate(catalog):
    return 'tidings samples generate --catalog %s --output %s' % (
        catalog, os.path.relpath(SAMPLES_DIR))


def pretty(message):
    return json.dumps(message, indent=4, sort_keys=True).splitlines(True)


def committed(catalog, sampled):
    path = os.path.join(SAMPLES_DIR, catalog, samples.filename(sampled))
    try:
        with open(path, encoding='utf-8') as f:
            return path, json.load(f)
    except FileNotFoundError:
        return path, None


class TestEventSample(testtools.TestCase):
    """A live emission of each event matches its committed sample."""

    def check_against_sample(self, catalog, event_type):
        registry = catalogs.load(catalog)
        sampled = samples.sampled_definition(registry.get(event_type))
        path, expected = committed(catalog, sampled)
        if expected is None:
            self.fail('%s has no sample %s; create it with: %s' % (
                event_type, path, regenerate(catalog)))
        notifier = samples.sample_notifier(registry, fixed=False)
        live = samples.emit(notifier, sampled)
        got = samples.strip_volatile(live)
        want = samples.strip_volatile(expected)
        if got != want:
            diff = ''.join(difflib.unified_diff(
                pretty(want), pretty(got), fromfile=path + ' (committed)',
                tofile='emitted by %s' % sampled.name))
            self.fail('%s no longer matches its sample (timestamp and '
                      'message_id ignored):\n%s\nIf the change is intended, '
                      'regenerate the sample with: %s' % (
                          event_type, diff, regenerate(catalog)))
        self.assertEqual(set(expected), set(live))


def stored_notification_schema(registry, sampled):
    """The notification schema around the payload schema stored in the
    catalog's lock file."""
    lock = lockfile.LockFile.load(catalogs.contract(registry,
                                                    project=None).lock)
    cls = sampled.payload
    stored = lock.schema(fingerprint.key(cls), cls.VERSION)
    assert stored is not None, '%s %s is not locked' % (
        fingerprint.key(cls), cls.VERSION)
    return schema_mod.envelope_schema(
        stored, priority=sampled.level, event_type=sampled.event_type_str,
        status_variants=bool(sampled.status_variants
                             and sampled.status is None))


class TestEventSampleSchema(testtools.TestCase):
    """Each committed sample validates against its JSON Schema."""

    def check_schema(self, catalog, event_type):
        self.validate(catalog, event_type, lambda registry, sampled: (
            schema_mod.notification_schema(sampled, fmt='versioned')))

    def check_stored_schema(self, catalog, event_type):
        self.validate(catalog, event_type, stored_notification_schema)

    def validate(self, catalog, event_type, schema_of):
        import jsonschema

        registry = catalogs.load(catalog)
        sampled = samples.sampled_definition(registry.get(event_type))
        path, message = committed(catalog, sampled)
        self.assertIsNotNone(message, 'no sample %s; run %s' % (
            path, regenerate(catalog)))
        schema = schema_of(registry, sampled)
        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(message),
                        key=lambda e: list(e.absolute_path))
        self.assertEqual([], ['%s: %s' % ('/'.join(map(str, e.absolute_path))
                                          or '<root>', e.message)
                              for e in errors], path)


class TestSampleCoverage(testtools.TestCase):
    """Every event has a sample and every sample an event."""

    def problems(self, kinds):
        found = []
        for registry in REGISTRIES:
            found.extend(p for p in samples.check(registry, SAMPLES_DIR)
                         if p.kind in kinds)
        found.extend(samples.orphan_catalogs(
            SAMPLES_DIR, {r.name for r in REGISTRIES}))
        return [str(p) for p in found if p.kind in kinds]

    def test_every_event_declares_a_sample_input(self):
        self.assertEqual([], self.problems({'no-input'}))

    def test_every_event_has_a_sample(self):
        self.assertEqual([], self.problems({'missing'}))

    def test_every_sample_has_an_event(self):
        self.assertEqual([], self.problems({'orphan'}))


def _test_name(catalog, sampled):
    return 'test_%s__%s' % (catalog, re.sub(r'\W', '_',
                                            sampled.event_type_str))


def _add(cls, method, catalog, sampled, suffix=''):
    event_type = sampled.event_type_str

    def test(self):
        getattr(self, method)(catalog, event_type)

    test.__name__ = _test_name(catalog, sampled) + suffix
    test.__doc__ = '%s %s' % (catalog, event_type)
    setattr(cls, test.__name__, test)


for _registry in REGISTRIES:
    for _definition, _sampled in samples.sampled_definitions(_registry):
        _add(TestEventSample, 'check_against_sample', _registry.name,
             _sampled)
        _add(TestEventSampleSchema, 'check_schema', _registry.name,
             _sampled)
        _add(TestEventSampleSchema, 'check_stored_schema', _registry.name,
             _sampled, '__stored')
