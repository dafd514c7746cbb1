"""The Watcher catalog puts on the wire exactly what the spec shows.

The spec's nine JSON examples are copied, as data, into
``watcher_spec_examples/<event_type>.json``.  Each test builds the payload
from the example's own values (as Watcher would from its Audit, Goal and
Strategy objects), emits it through a Notifier on the memory backend and
compares the wire message with the example: same keys, nesting, names,
versions, namespaces and values; only timestamp and message_id differ.
"""

import json
import os
import types

import testtools

from tests.unit import catalog_testing
from tidings.catalogs.watcher import events
from tidings.catalogs.watcher import payloads
from tidings.objects import errors

EXAMPLES = os.path.join(os.path.dirname(__file__), 'watcher_spec_examples')
VARYING = ('timestamp', 'message_id')


def spec_example(event_type):
    with open(os.path.join(EXAMPLES, event_type + '.json')) as f:
        return json.load(f)


def canonical(message):
    """The message without timestamp and message_id, as sorted JSON text
    (so 1.0 and 1 differ, as they do on the wire)."""
    message = {k: v for k, v in message.items() if k not in VARYING}
    return json.dumps(message, sort_keys=True, indent=1)


def _obj(primitive):
    """A service-side object with the attributes of a wire primitive."""
    return types.SimpleNamespace(**primitive['watcher_object.data'])


def payload_from_example(event_type):
    """Build the payload as Watcher would, from the example's values."""
    data = spec_example(event_type)['payload']['watcher_object.data']
    name = spec_example(event_type)['payload']['watcher_object.name']
    cls = payloads.OBJECTS.get(name)
    audit = types.SimpleNamespace(**{
        k: v for k, v in data.items()
        if k not in ('goal', 'strategy', 'fault', 'state_update')})
    extra = {}
    if 'state_update' in data:
        extra['state_update'] = payloads.AuditStateUpdatePayload(
            **data['state_update']['watcher_object.data'])
    if data.get('fault') is not None:
        extra['fault'] = payloads.ExceptionPayload(
            **data['fault']['watcher_object.data'])
    return cls.from_audit(audit, _obj(data['goal']), _obj(data['strategy']),
                          **extra)


class WatcherSpecExamplesTest(testtools.TestCase):
    """One test per notification of the spec (generated below)."""

    def emit(self, event_type, payload):
        notifier, backend = catalog_testing.memory_notifier(
            events.EVENTS, source='watcher-decision-engine')
        notifier.notify(event_type, payload)
        self.assertEqual(1, len(backend.messages))
        return backend.messages[0]


def _make_tests(event_type):
    def test_built_from_example_data(self):
        wire = self.emit(event_type, payload_from_example(event_type))
        self.assertEqual(canonical(spec_example(event_type)),
                         canonical(wire))

    def test_sample_is_the_example(self):
        definition = events.EVENTS[event_type]
        wire = self.emit(event_type, definition.sample())
        self.assertEqual(canonical(spec_example(event_type)),
                         canonical(wire))

    slug = event_type.replace('.', '_')
    test_built_from_example_data.__name__ = (
        'test_%s_built_from_example_data_matches_spec' % slug)
    test_sample_is_the_example.__name__ = (
        'test_%s_sample_matches_spec' % slug)
    return test_built_from_example_data, test_sample_is_the_example


SPEC_EVENT_TYPES = sorted(f[:-len('.json')] for f in os.listdir(EXAMPLES))
for _event_type in SPEC_EVENT_TYPES:
    for _test in _make_tests(_event_type):
        setattr(WatcherSpecExamplesTest, _test.__name__, _test)


class WatcherCatalogTest(testtools.TestCase):

    def test_catalog_has_the_nine_spec_notifications(self):
        self.assertEqual(
            ['audit.create', 'audit.delete', 'audit.planner.end',
             'audit.planner.error', 'audit.planner.start',
             'audit.strategy.end', 'audit.strategy.error',
             'audit.strategy.start', 'audit.update'],
            sorted(d.event_type_str for d in events.EVENTS))
        self.assertEqual(SPEC_EVENT_TYPES,
                         sorted(d.event_type_str for d in events.EVENTS))

    def test_error_events_are_error_level_and_others_info(self):
        levels = {d.event_type_str: d.level for d in events.EVENTS}
        self.assertEqual({'audit.strategy.error': 'error',
                          'audit.planner.error': 'error'},
                         {k: v for k, v in levels.items() if v != 'info'})

    def test_publisher_is_infra_optim_whatever_the_notifier_source(self):
        notifier, backend = catalog_testing.memory_notifier(
            events.EVENTS, host='controller-1', source='something-else')
        notifier.notify('EVENT_TYPE_AUDIT_CREATE', events.sample_create())
        self.assertEqual('infra-optim:controller-1',
                         backend.messages[0]['publisher_id'])

    def test_payloads_are_in_the_watcher_namespace(self):
        for definition in events.EVENTS:
            self.assertEqual('watcher', definition.namespace)
        names = [cls.obj_name() for cls in events.EVENTS.payload_classes()]
        self.assertEqual(
            ['AuditActionPayload', 'AuditCreatePayload',
             'AuditDeletePayload', 'AuditPayload', 'AuditStateUpdatePayload',
             'AuditUpdatePayload', 'ExceptionPayload', 'GoalPayload',
             'StrategyPayload'], names)

    def test_fault_from_a_raised_exception(self):
        class WatcherException(Exception):
            pass

        try:
            raise WatcherException('TEST')
        except WatcherException as exc:
            fault = payloads.ExceptionPayload.from_exception(exc)
        payload = payloads.AuditActionPayload.from_audit(
            events.audit('ONGOING'), events.GOAL, events.STRATEGY,
            fault=fault)
        data = payload.obj_to_primitive()['watcher_object.data']['fault']
        self.assertEqual('watcher', data['watcher_object.namespace'])
        self.assertEqual({'exception': 'WatcherException',
                          'exception_message': 'TEST',
                          'function_name':
                              'test_fault_from_a_raised_exception',
                          'module_name': __name__},
                         data['watcher_object.data'])

    def test_start_and_end_carry_a_null_fault(self):
        payload = payloads.AuditActionPayload.from_audit(
            events.audit(), events.GOAL, events.STRATEGY)
        data = payload.obj_to_primitive()['watcher_object.data']
        self.assertIsNone(data['fault'])

    def test_unknown_state_names_payload_field_and_accepted_states(self):
        exc = self.assertRaises(
            errors.FieldValueError, payloads.AuditCreatePayload.from_audit,
            events.audit('RUNNING'), events.GOAL, events.STRATEGY)
        self.assertIn('AuditCreatePayload.state', str(exc))
        self.assertIn("'RUNNING'", str(exc))
        self.assertIn('PENDING, ONGOING, SUCCEEDED', str(exc))

    def test_update_without_state_update_is_refused_by_name(self):
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        payload = payloads.AuditUpdatePayload.from_audit(
            events.audit(), events.GOAL, events.STRATEGY)
        exc = self.assertRaises(errors.MissingFieldError, notifier.notify,
                                'audit.update', payload)
        self.assertIn('AuditUpdatePayload', str(exc))
        self.assertIn('state_update', str(exc))

    def test_parameters_must_be_json_data(self):
        source = events.audit()
        source['parameters'] = {'when': object()}
        exc = self.assertRaises(
            errors.FieldValueError, payloads.AuditCreatePayload.from_audit,
            source, events.GOAL, events.STRATEGY)
        self.assertIn('AuditCreatePayload.parameters', str(exc))
        self.assertIn('not JSON data', str(exc))

    def test_payload_does_not_share_the_callers_dicts(self):
        source = events.audit()
        payload = payloads.AuditCreatePayload.from_audit(
            source, events.GOAL, events.STRATEGY)
        source['parameters']['para1'] = 99
        self.assertEqual(3.2, payload.parameters['para1'])

    def test_wire_primitive_round_trips_through_the_registry(self):
        payload = events.sample_action_error()
        prim = payload.obj_to_primitive()
        again = payloads.OBJECTS.from_primitive(prim)
        self.assertIsInstance(again, payloads.AuditActionPayload)
        self.assertEqual(prim, again.obj_to_primitive())

    def test_lookup_by_constant_and_event_type(self):
        self.assertIs(events.EVENT_TYPE_AUDIT_PLANNER_ERROR,
                      events.EVENTS['EVENT_TYPE_AUDIT_PLANNER_ERROR'])
        self.assertIs(events.EVENT_TYPE_AUDIT_PLANNER_ERROR,
                      events.EVENTS['audit.planner.error'])
        self.assertIs(events.EVENT_TYPE_AUDIT_PLANNER_ERROR,
                      events.EVENTS.EVENT_TYPE_AUDIT_PLANNER_ERROR)

    def test_strategy_and_planner_form_lifecycles(self):
        for action in ('strategy', 'planner'):
            phases = events.EVENTS.lifecycle_events('audit.%s' % action)
            self.assertEqual(['end', 'error', 'start'], sorted(phases))
