"""The generated Ceilometer definitions, read by Ceilometer 27 itself.

``tidings ceilometer-definitions`` (events) and ``--meters`` are loaded by
Ceilometer's own endpoints in its own virtualenv
(:mod:`tests.functional.ceilometer_peer`, created on first use: about
80 s once, then reused), and every sample of every catalog is fed
through them the way the notification agent does, in both formats, in one
driver run (:mod:`tests.functional.ceilometer_driver`, a few seconds):

- as tidings sends them by default: every ``info``/``error`` sample must
  become an Event of its own definition, with every declared trait whose
  field has a value, ``project_id`` set wherever the payload names a
  project, and no Python repr as text; ``audit``/``debug`` samples are
  dropped, as the generated header says;
- with ``[notifications] wire_priorities`` sending every level as
  ``info`` (the option the header offers): every sample becomes an Event,
  and every event with meters gives a sample of each, with a volume, a
  unit, a project and a resource.

Without the virtualenv (no network, no index) the tests are skipped
outside CI and fail under ``CI=true``.
"""

import datetime
import functools
import json
import os
import tempfile

import jsonpath_ng

from tests.functional import base
from tests.functional import ceilometer_peer
from tidings import catalogs
from tidings import conf as tidings_conf
from tidings import samples as samples_mod
from tidings.backends import memory
from tidings.cmd import ceilometer
from tidings.notifications import notification
from tidings.notifications import notifier as notifier_mod
from tidings.objects import fields

FORMATS = (notification.VERSIONED, notification.UNVERSIONED)
#: ``[notifications] wire_priorities`` sending every level as info.
ALL_INFO = {level: 'info' for level in fields.LEVELS if level != 'info'}


@functools.lru_cache(maxsize=None)
def registries():
    return tuple(c.registry for c in catalogs.select(None))


def wire_messages(regs, wire_priorities=None):
    """``{fmt: [(definition, message), ...]}``: the sample of every event
    of ``regs`` (the same input, clock and ids as ``tidings samples``),
    in both formats."""
    out = {fmt: [] for fmt in FORMATS}
    for registry in regs:
        conf = tidings_conf.new_conf()
        conf.set_override('level', 'debug', group='notifications')
        conf.set_override('notification_format', 'both',
                          group='notifications')
        if wire_priorities:
            conf.set_override('wire_priorities', wire_priorities,
                              group='notifications')
        notifier = notifier_mod.Notifier(
            conf, [registry], source=registry.name,
            host=samples_mod.SAMPLE_HOST,
            backends=[memory.MemoryBackend(conf, name='memory')],
            clock=lambda: samples_mod.SAMPLE_TIME,
            id_factory=samples_mod.message_id_for)
        for _template, sampled in samples_mod.sampled_definitions(registry):
            note = notifier.notify(sampled, sampled.sample)
            for fmt in FORMATS:
                out[fmt].append((sampled, json.loads(json.dumps(
                    note.to_wire(fmt)))))
    return out


@functools.lru_cache(maxsize=None)
def ceilometer_answer():
    """One driver run for the whole module: ``(answer, runs)`` where
    ``runs[(fmt, remapped)]`` is ``(events, meters, result, items)``,
    ``items`` a ``(definition, message, what Ceilometer made of it)`` per
    sample."""
    ceilometer_peer.ensure()  # first: without it there is nothing to do
    regs = registries()
    folder = tempfile.mkdtemp(prefix='tidings-ceilometer-')
    request, keys, inputs = [], [], []
    plain, remapped = wire_messages(regs), wire_messages(regs, ALL_INFO)
    for fmt in FORMATS:
        events = ceilometer.event_definitions(regs, fmt)
        meters = ceilometer.meter_definitions(regs, fmt)
        path = os.path.join(folder, 'event_definitions-%s.yaml' % fmt)
        meters_dir = os.path.join(folder, 'meters-%s' % fmt)
        os.makedirs(meters_dir)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(ceilometer.dump(events))
        with open(os.path.join(meters_dir, 'tidings.yaml'), 'w',
                  encoding='utf-8') as handle:
            handle.write(ceilometer.dump({'metric': meters}))
        for key, messages in (((fmt, False), plain[fmt]),
                              ((fmt, True), remapped[fmt])):
            keys.append(key)
            inputs.append((events, meters, messages))
            request.append({'event_definitions': path,
                            'meters_dir': meters_dir,
                            'messages': [m for _d, m in messages]})
    answer = ceilometer_peer.run({'runs': request})
    runs = {}
    for key, (events, meters, messages), result in zip(
            keys, inputs, answer['runs'], strict=True):
        items = [(definition, message, got) for (definition, message), got
                 in zip(messages, result['results'], strict=True)]
        runs[key] = (events, meters, result, items)
    return answer, runs


def _incoming(message):
    # What the driver hands Ceilometer: the paths resolve against it.
    return {'ctxt': {}, 'payload': message['payload'],
            'publisher_id': message['publisher_id'],
            'event_type': message['event_type']}


@functools.lru_cache(maxsize=None)
def _parse(path):
    return jsonpath_ng.parse(path)


#: Why the Ceilometer virtualenv could not be made, once known.
_UNAVAILABLE = []


def value_of(spec, message):
    """The first non-null value a trait's ``fields`` finds, or None."""
    paths = spec if isinstance(spec, list) else [spec]
    for path in paths:
        for match in _parse(path).find(_incoming(message)):
            if match.value is not None:
                return match.value
    return None


def pattern(definition):
    """The ``event_type`` of the entry of a sampled definition (a status
    variant's is its template's pattern)."""
    return ceilometer.event_type_pattern(definition.template or definition)


def _definition_of(events, definition):
    [entry] = [e for e in events if e['event_type'] == pattern(definition)]
    return entry


class TestCeilometerReadsTheDefinitions(base.FunctionalTestCase):

    def answer(self):
        if _UNAVAILABLE:
            self.unavailable(_UNAVAILABLE[0])
        try:
            return ceilometer_answer()
        except ceilometer_peer.Unavailable as exc:
            # Tried once per process: a failed install is not retried by
            # every test.
            _UNAVAILABLE.append(str(exc))
            self.unavailable(str(exc))

    def runs(self, remapped):
        _answer, runs = self.answer()
        return [(fmt, runs[(fmt, remapped)]) for fmt in FORMATS]

    def test_definitions_load_without_errors(self):
        for fmt, (_events, meters, result, _items) in self.runs(False):
            self.assertEqual([], result['load_errors'], fmt)
            self.assertEqual([], result['meter_load_errors'], fmt)
            self.assertEqual(sorted(m['name'] for m in meters),
                             result['meter_names'], fmt)
            self.assertEqual([], [e for r in result['results']
                                  for e in r['errors']], fmt)

    def test_the_priorities_ceilometer_reads_are_the_documented_ones(self):
        answer, _runs = self.answer()
        self.assertEqual('27.', answer['ceilometer'][:3])
        self.assertEqual(list(ceilometer.EVENT_PRIORITIES),
                         answer['event_priorities'])
        self.assertEqual(list(ceilometer.METER_PRIORITIES),
                         answer['meter_priorities'])

    def test_every_info_and_error_sample_becomes_an_event(self):
        for fmt, (_e, _m, _r, items) in self.runs(False):
            for definition, _msg, got in items:
                where = '%s %s' % (fmt, definition.event_type_str)
                if definition.level in ceilometer.EVENT_PRIORITIES:
                    self.assertIsNotNone(got['event'], where)
                    self.assertEqual([pattern(definition)],
                                     got['matched'], where)
                else:
                    # Dropped, as the generated header lists it.
                    self.assertIsNone(got['event'], where)
                    self.assertIn(
                        pattern(definition),
                        ceilometer.dropped(registries())[definition.level],
                        where)

    def test_with_wire_priorities_every_sample_becomes_an_event(self):
        for fmt, (_e, _m, _r, items) in self.runs(True):
            for definition, msg, got in items:
                self.assertEqual('INFO', msg['priority'])
                self.assertIsNotNone(got['event'], '%s %s' % (
                    fmt, definition.event_type_str))

    def test_declared_traits_are_present(self):
        checked = 0
        for fmt, (events, _m, _r, items) in self.runs(True):
            for definition, msg, got in items:
                traits = got['event']['traits']
                entry = _definition_of(events, definition)
                for name, spec in entry['traits'].items():
                    value = value_of(spec['fields'], msg)
                    where = '%s %s %s' % (fmt, definition.event_type_str,
                                          name)
                    if value is None:
                        self.assertNotIn(name, traits, where)
                        continue
                    checked += 1
                    self.assertIn(name, traits, where)
                    self._assert_same(spec['type'], value,
                                      traits[name]['value'], where)
        self.assertGreater(checked, 3000)

    def _assert_same(self, trait_type, value, got, where):
        if trait_type == 'datetime':
            expected = datetime.datetime.fromisoformat(
                value.replace('Z', '+00:00')).astimezone(
                    datetime.timezone.utc).replace(tzinfo=None)
            self.assertEqual(expected.isoformat(), got, where)
        elif trait_type == 'text':
            self.assertEqual(str(value)[:255], got, where)
        else:
            self.assertEqual(value, got, where)

    def test_project_id_is_set_where_the_payload_names_a_project(self):
        with_project = 0
        for fmt, (_e, _m, _r, items) in self.runs(True):
            for definition, msg, got in items:
                paths = ceilometer.role_paths(definition.payload,
                                              'project_id', fmt)
                project = value_of(paths, msg) if paths else None
                where = '%s %s' % (fmt, definition.event_type_str)
                if project is None:
                    continue
                with_project += 1
                self.assertEqual(
                    project, got['event']['traits'].get(
                        'project_id', {}).get('value'), where)
        # Every sample but the watcher ones (no project in its payloads).
        self.assertGreater(with_project, 400)

    def test_no_trait_is_python_repr_text(self):
        for fmt, (_e, _m, _r, items) in self.runs(True):
            for _definition, _message, got in items:
                for name, trait in got['event']['traits'].items():
                    value = trait['value']
                    if trait['type'] == 'string' and value[:1] in '{[':
                        # JSON text a string field carries is fine; a repr
                        # ({'a': 1}, ['x']) is not JSON.
                        try:
                            json.loads(value)
                        except ValueError:
                            self.fail('%s %s %s is Python repr text: %s' % (
                                fmt, got['event_type'], name, value))

    def test_every_metric_event_gives_a_complete_sample(self):
        metered = 0
        for fmt, (_e, _m, _r, items) in self.runs(True):
            for definition, _msg, got in items:
                expected = ceilometer.meters_of(definition.template
                                                or definition, fmt)
                where = '%s %s' % (fmt, definition.event_type_str)
                self.assertEqual(sorted(m['name'] for m in expected),
                                 sorted(s['name'] for s in got['samples']),
                                 where)
                for sample in got['samples']:
                    metered += 1
                    for key in ('volume', 'unit', 'project_id',
                                'resource_id'):
                        self.assertIsNotNone(sample[key], '%s %s %s' % (
                            where, sample['name'], key))
        self.assertGreater(metered, 100)

    def test_info_metric_events_are_metered_as_sent_by_default(self):
        for fmt, (_e, _m, _r, items) in self.runs(False):
            for definition, _msg, got in items:
                expected = ceilometer.meters_of(definition.template
                                                or definition, fmt)
                if definition.level not in ceilometer.METER_PRIORITIES:
                    self.assertEqual([], got['samples'])
                    continue
                self.assertEqual(len(expected), len(got['samples']),
                                 '%s %s' % (fmt, definition.event_type_str))

    def test_trove_instance_exists_is_metered_like_ceilometers_own(self):
        for fmt, (_e, _m, _r, items) in self.runs(False):
            [sample] = [s for d, _message, got in items
                        if d.event_type_str == 'trove.instance.exists'
                        for s in got['samples']]
            self.assertEqual(('trove.instance.exists', 'cumulative', 's'),
                             (sample['name'], sample['type'],
                              sample['unit']), fmt)
            self.assertGreater(sample['volume'], 0, fmt)
