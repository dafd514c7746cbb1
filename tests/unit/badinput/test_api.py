"""The bad-input corpus of the Python API.

Every wrong value or argument a service can hand tidings' Python API, one
test per case, each asserting the typed error and that its message names
the thing, the value and what is accepted.  Then two properties over
generated field values: a value is refused when the field is set, or a
full ``notify()`` through the memory, jsonfile, log (json lines) and
database (SQLite) backends delivers it as strict JSON.
"""

import datetime
import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings

import fixtures
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
import orjson

from tests.unit.badinput import BadInputCase
from tidings.catalogs import common
from tidings import conf as tidings_conf
from tidings.backends import jsonfile
from tidings.backends import log as log_backend
from tidings.backends import memory
from tidings.notifications import context as context_mod
from tidings.notifications import lifecycle
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import payload as payload_mod
from tidings.notifications import periodic
from tidings.notifications import publisher as publisher_mod
from tidings.notifications import registry as registry_mod
from tidings.notifications import validator as validator_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import jsonsafe

OBJECTS = base.ObjectRegistry('badapi')


@OBJECTS.register
class FaultPayload(payload_mod.ExceptionPayload):
    pass


@OBJECTS.register
class ThingPayload(payload_mod.Payload):
    """Every field type of tidings.objects.fields and the catalogs'."""

    VERSION = '1.0'
    SCHEMA = {'name': ('thing', 'name')}
    fields = {
        'name': fields.StringField(),
        'note': fields.StringField(nullable=True),
        'secret': fields.SensitiveStringField(nullable=True),
        'ratio': fields.FloatField(nullable=True),
        'count': fields.IntegerField(nullable=True),
        'size': fields.NonNegativeIntegerField(nullable=True),
        'flag': fields.BooleanField(nullable=True),
        'state': fields.EnumField(['PENDING', 'ONGOING', 'SUCCEEDED',
                                   'FAILED'], nullable=True),
        'level': fields.LevelField(nullable=True),
        'phase': fields.PhaseField(nullable=True),
        'uuid': fields.UUIDField(nullable=True),
        'when': fields.DateTimeField(nullable=True),
        'labels': fields.DictOfStringsField(nullable=True),
        'tags': fields.ListOfStringsField(nullable=True),
        'ports': fields.SetOfIntegersField(nullable=True),
        'sizes': fields.ListOfIntegersField(nullable=True),
        'address': fields.IPAddressField(nullable=True),
        'mac': fields.MACAddressField(nullable=True),
        'params': common.JsonDictField(nullable=True),
        'scope': common.JsonListField(nullable=True),
        'fault': fields.ObjectField('FaultPayload', nullable=True),
    }


EVENTS = registry_mod.EventRegistry('badapi', objects=OBJECTS)
CREATE_START = EVENTS.define('EVENT_TYPE_THING_CREATE_START',
                             'thing.create.start', 'info', ThingPayload,
                             mechanisms=['messaging', 'database', 'log'])
CREATE_END = EVENTS.define('EVENT_TYPE_THING_CREATE_END',
                           'thing.create.end', 'info', ThingPayload,
                           mechanisms=['messaging', 'database', 'log'])
CREATE_ERROR = EVENTS.define('EVENT_TYPE_THING_CREATE_ERROR',
                             'thing.create.error', 'error', ThingPayload,
                             mechanisms=['messaging', 'database', 'log'])
REQUEST_ERROR = EVENTS.define('EVENT_TYPE_REQUEST_THING_ERROR',
                              'thing.request.error', 'error', ThingPayload,
                              status_variants=True)

OTHER = registry_mod.EventRegistry('otherapi', objects=OBJECTS)
OTHER_EVENT = OTHER.define('EVENT_TYPE_OTHER_THING', 'other.thing', 'info',
                           ThingPayload)


_UNSET = object()


def thing(**values):
    values.setdefault('name', 'web-1')
    return ThingPayload(**values)


def deep(levels):
    value = {}
    for _ in range(levels):
        value = {'a': value}
    return value


class ApiCase(BadInputCase):

    def setUp(self):
        super().setUp()
        self.sink = memory.MemoryBackend()
        self.notifier = notifier_mod.Notifier(
            None, EVENTS, source='badapi', backends=[self.sink])

    def assertFieldRefuses(self, field, value, *fragments, **values):
        """Setting ``field`` to ``value`` raises a FieldValueError naming
        ``ThingPayload.<field>``, the value and ``fragments``."""
        payload = thing(**values)
        before = payload.__dict__.get('_obj_' + field, _UNSET)
        exc = self.assertRaisesClear(
            ('ThingPayload.%s' % field, errors.value_repr(value))
            + fragments,
            setattr, payload, field, value)
        self.assertIsInstance(exc, errors.FieldValueError)
        self.assertIs(before, payload.__dict__.get('_obj_' + field, _UNSET))
        return exc


class TestFloatFields(ApiCase):

    def test_nan_is_refused(self):
        self.assertFieldRefuses('ratio', float('nan'), 'a finite float',
                                'NaN and infinities')

    def test_positive_infinity_is_refused(self):
        self.assertFieldRefuses('ratio', float('inf'), 'a finite float')

    def test_negative_infinity_is_refused(self):
        self.assertFieldRefuses('ratio', float('-inf'), 'a finite float')

    def test_nan_text_is_refused_after_coercion(self):
        self.assertFieldRefuses('ratio', 'nan', 'a finite float')

    def test_a_dict_is_not_a_float(self):
        self.assertFieldRefuses('ratio', {'x': 1}, 'a number')

    def test_a_float_too_big_for_a_double_is_refused(self):
        self.assertFieldRefuses('ratio', 10 ** 400, 'a number')


class TestStringFields(ApiCase):

    def test_lone_surrogate_is_refused(self):
        self.assertFieldRefuses('name', '\ud800', 'a string of Unicode text',
                                'lone surrogate', 'index 0')

    def test_lone_low_surrogate_inside_text_names_its_index(self):
        self.assertFieldRefuses('note', 'caf\u00e9 \udfff', 'index 5',
                                'or None')

    def test_sensitive_string_with_a_surrogate_is_refused(self):
        self.assertFieldRefuses('secret', 'pw\ud83d', 'a string of Unicode '
                                'text', 'lone surrogate')

    def test_an_object_is_not_a_string(self):
        self.assertFieldRefuses('name', object, 'a string')

    def test_none_in_a_required_string_is_refused(self):
        self.assertFieldRefuses('name', None, 'a string')

    def test_enum_value_not_listed_is_refused(self):
        self.assertFieldRefuses('state', 'RUNNING', 'one of PENDING, '
                                'ONGOING, SUCCEEDED, FAILED')

    def test_enum_value_with_a_surrogate_is_refused(self):
        exc = self.assertFieldRefuses('state', 'PENDING\ud800',
                                      'one of PENDING')
        str(exc).encode('utf-8')     # the message itself is printable

    def test_level_not_a_level_is_refused(self):
        self.assertFieldRefuses('level', 'loud', 'one of debug, info')

    def test_phase_not_a_phase_is_refused(self):
        self.assertFieldRefuses('phase', 'middle', 'one of start, end, '
                                'error')

    def test_uuid_not_a_uuid_is_refused(self):
        self.assertFieldRefuses('uuid', 'not-a-uuid', 'a UUID',
                                '32 hex digits')

    def test_uuid_with_a_surrogate_is_refused(self):
        self.assertFieldRefuses('uuid', '\ud800' * 32, 'a UUID')

    def test_ip_address_not_an_address_is_refused(self):
        self.assertFieldRefuses('address', '300.1.1.1', 'a valid IPAddress')

    def test_mac_address_not_an_address_is_refused(self):
        self.assertFieldRefuses('mac', 'zz:zz', 'a valid MACAddress')


class TestIntegerFields(ApiCase):

    def test_integer_beyond_signed_64_bits_is_refused(self):
        self.assertFieldRefuses('count', 2 ** 63, 'from -2**63 to 2**63-1',
                                'signed 64 bits')

    def test_integer_below_signed_64_bits_is_refused(self):
        self.assertFieldRefuses('count', -2 ** 63 - 1, 'signed 64 bits')

    def test_integer_text_beyond_64_bits_is_refused(self):
        self.assertFieldRefuses('count', '9' * 30, 'signed 64 bits')

    def test_a_fraction_is_not_an_integer(self):
        self.assertFieldRefuses('count', 1.5, 'a whole number',
                                'not a whole number')

    def test_nan_is_not_an_integer(self):
        self.assertFieldRefuses('count', float('nan'), 'a whole number',
                                'not a whole number')

    def test_a_boolean_is_not_an_integer(self):
        self.assertFieldRefuses('count', True, 'a whole number',
                                'a boolean is not an integer')

    def test_a_word_is_not_an_integer(self):
        self.assertFieldRefuses('count', 'lots', 'a whole number')

    def test_a_negative_size_is_refused(self):
        self.assertFieldRefuses('size', -1, 'ThingPayload.size: -1 is not '
                                'a whole number >= 0')

    def test_boolean_maybe_is_refused(self):
        self.assertFieldRefuses('flag', 'maybe', 'true or false',
                                'not true or false')

    def test_boolean_two_is_refused(self):
        self.assertFieldRefuses('flag', 2, 'true or false')


class TestDateTimeFields(ApiCase):

    def test_a_word_is_not_a_datetime(self):
        self.assertFieldRefuses('when', 'yesterday',
                                'a datetime, or ISO 8601 text')

    def test_a_number_is_not_a_datetime(self):
        self.assertFieldRefuses('when', 1700000000,
                                'a datetime, or ISO 8601 text')

    def test_a_date_without_time_is_not_a_datetime(self):
        self.assertFieldRefuses('when', datetime.date(2026, 1, 1),
                                'a datetime, or ISO 8601 text')


class TestContainerFields(ApiCase):

    def test_dict_key_with_a_surrogate_is_refused(self):
        self.assertFieldRefuses('labels', {'\ud800': 'x'}, 'a valid Dict',
                                "at ['\\ud800']", 'lone surrogate')

    def test_dict_value_with_a_surrogate_is_refused(self):
        self.assertFieldRefuses('labels', {'k': 'v\udc00'},
                                "at ['k']", 'JSON-safe values')

    def test_dict_with_a_non_string_key_is_refused(self):
        self.assertFieldRefuses('labels', {1: 'x'}, 'a valid Dict')

    def test_list_item_with_a_surrogate_is_refused(self):
        self.assertFieldRefuses('tags', ['ok', '\ud800'], 'a valid List',
                                'at [1]')

    def test_list_of_integers_with_a_huge_item_is_refused(self):
        self.assertFieldRefuses('sizes', [1, 2 ** 64], 'at [1]',
                                'signed 64 bits')

    def test_set_of_integers_with_a_huge_item_is_refused(self):
        self.assertFieldRefuses('ports', {80, -2 ** 70}, 'signed 64 bits',
                                'at [an item]')

    def test_json_dict_with_nan_is_refused(self):
        self.assertFieldRefuses('params', {'p': float('nan')},
                                'a valid JsonDict of JSON-safe values',
                                'or None',
                                "at ['p']", 'a finite float')

    def test_json_dict_with_infinity_in_a_list_is_refused(self):
        self.assertFieldRefuses('params', {'p': [1, float('inf')]},
                                "at ['p'][1]", 'a finite float')

    def test_json_dict_with_a_surrogate_key_is_refused(self):
        self.assertFieldRefuses('params', {'a': {'\udbff': 1}},
                                "at ['a']['\\udbff']", 'lone surrogate')

    def test_json_dict_with_a_huge_integer_is_refused(self):
        self.assertFieldRefuses('params', {'n': 10 ** 20}, "at ['n']",
                                'signed 64 bits')

    def test_json_dict_with_a_non_string_key_is_refused(self):
        self.assertFieldRefuses('params', {1: 'x'}, 'a valid JsonDict',
                                'key 1 is not a string')

    def test_json_dict_nested_too_deep_is_refused(self):
        value = deep(jsonsafe.MAX_DEPTH + 5)
        exc = self.assertRaises(errors.FieldValueError, setattr, thing(),
                                'params', value)
        self.assertClearError(exc, 'ThingPayload.params', 'JsonDict',
                              'more than 64 levels of nesting')

    def test_json_dict_nested_beyond_the_recursion_limit_is_refused(self):
        value = deep(sys.getrecursionlimit() + 100)
        exc = self.assertRaises(errors.FieldValueError, setattr, thing(),
                                'params', value)
        self.assertClearError(exc, 'ThingPayload.params', 'JsonDict',
                              'more than 64 levels of nesting')

    def test_json_dict_holding_itself_is_refused(self):
        value = {}
        value['self'] = value
        exc = self.assertRaises(errors.FieldValueError, setattr, thing(),
                                'params', value)
        self.assertClearError(exc, 'ThingPayload.params', 'or a cycle')

    def test_json_dict_with_an_object_value_is_refused(self):
        self.assertFieldRefuses('params', {'o': object}, 'a valid JsonDict',
                                'is not JSON data')

    def test_json_dict_given_a_list_is_refused(self):
        self.assertFieldRefuses('params', [1], 'a valid JsonDict',
                                'expected a dict')

    def test_json_list_given_a_dict_is_refused(self):
        self.assertFieldRefuses('scope', {'a': 1}, 'a valid JsonList',
                                'expected a list')

    def test_json_list_with_negative_infinity_is_refused(self):
        self.assertFieldRefuses('scope', [{'x': float('-inf')}],
                                "at [0]['x']", 'a finite float')

    def test_object_field_given_another_payload_class_is_refused(self):
        self.assertFieldRefuses('fault', thing(), 'FaultPayload')


class TestPayloadConstruction(ApiCase):

    def test_unknown_field_is_refused(self):
        self.assertRaisesClear(
            ('ThingPayload', "'colour'", 'its fields are', 'name'),
            ThingPayload, colour='red')

    def test_missing_required_field_at_notify_names_the_event(self):
        exc = self.assertRaisesClear(
            ('ThingPayload', 'thing.create.start', 'required field',
             'name'), self.notifier.notify, CREATE_START, ThingPayload())
        self.assertIsInstance(exc, errors.MissingFieldError)

    def test_populate_schema_without_its_source_is_refused(self):
        exc = self.assertRaisesClear(
            ('ThingPayload.name', "'thing'", 'was not given',
             'sources given: other'),
            ThingPayload().populate_schema, other=object())
        self.assertIsInstance(exc, errors.SchemaSourceError)

    def test_populate_schema_source_without_the_attribute_is_refused(self):
        self.assertRaisesClear(
            ('ThingPayload.name', "'thing'", "has no attribute 'name'"),
            ThingPayload().populate_schema, thing=object())

    def test_populate_schema_with_a_bad_source_value_is_refused(self):
        self.assertRaisesClear(
            ('ThingPayload.name', "'\\ud800'", 'lone surrogate'),
            ThingPayload().populate_schema, thing={'name': '\ud800'})

    def test_from_primitive_with_an_unknown_field_is_refused(self):
        primitive = thing().obj_to_primitive()
        primitive['badapi_object.data']['colour'] = 'red'
        self.assertRaisesClear(("'colour'", 'its fields are'),
                               OBJECTS.from_primitive, primitive)

    def test_from_primitive_of_a_list_is_refused(self):
        self.assertRaisesClear(('malformed notification payload',
                                'badapi_object.name'),
                               OBJECTS.from_primitive, ['x'])

    def test_from_primitive_with_nan_is_refused(self):
        primitive = thing().obj_to_primitive()
        primitive['badapi_object.data']['ratio'] = float('nan')
        self.assertRaisesClear(('ThingPayload.ratio', 'a finite float'),
                               OBJECTS.from_primitive, primitive)


class TestNotifierConstructor(ApiCase):

    def new(self, **kwargs):
        kwargs.setdefault('backends', [self.sink])
        return notifier_mod.Notifier(None, **kwargs)

    def test_registries_entry_none_is_refused(self):
        self.assertRaisesClear(('registries[0]', 'None', 'an EventRegistry'),
                               self.new, registries=[None])

    def test_registries_entry_after_a_good_one_names_its_position(self):
        self.assertRaisesClear(("registries[1]", "'magnetodb'",
                                'an EventRegistry'),
                               self.new, registries=[EVENTS, 'magnetodb'])

    def test_registries_none_is_refused(self):
        self.assertRaisesClear(('Notifier registries', 'None',
                                'an EventRegistry (catalog) or a list'),
                               self.new, registries=None)

    def test_registries_a_catalog_name_is_refused(self):
        self.assertRaisesClear(("'watcher'", 'an EventRegistry'),
                               self.new, registries='watcher')

    def test_backends_entry_none_is_refused(self):
        self.assertRaisesClear(('backends[0]', 'None', 'Backend instance'),
                               self.new, registries=EVENTS, backends=[None])

    def test_backends_entry_a_name_is_refused(self):
        self.assertRaisesClear(("backends[0]", "'memory'",
                                'Backend instance'),
                               self.new, registries=EVENTS,
                               backends=['memory'])

    def test_backends_a_single_backend_is_refused(self):
        self.assertRaisesClear(('Notifier backends', 'a list of Backend'),
                               self.new, registries=EVENTS,
                               backends=memory.MemoryBackend())

    def test_source_empty_is_refused(self):
        self.assertRaisesClear(("Notifier source", "''", 'a non-empty '
                                'string'), self.new, registries=EVENTS,
                               source='')

    def test_source_a_number_is_refused(self):
        self.assertRaisesClear(('Notifier source', '42', 'a non-empty '
                                'string'), self.new, registries=EVENTS,
                               source=42)

    def test_host_a_number_is_refused(self):
        self.assertRaisesClear(('Notifier host', '7', 'a non-empty string'),
                               self.new, registries=EVENTS, host=7)

    def test_clock_not_callable_is_refused(self):
        self.assertRaisesClear(("Notifier clock", "'now'", 'a callable'),
                               self.new, registries=EVENTS, clock='now')

    def test_id_factory_not_callable_is_refused(self):
        self.assertRaisesClear(('Notifier id_factory', '5', 'a callable'),
                               self.new, registries=EVENTS, id_factory=5)


class TestNotifyArguments(ApiCase):

    def notify(self, *args, **kwargs):
        return self.notifier.notify(*args, **kwargs)

    def test_status_out_of_range_is_refused(self):
        self.assertRaisesClear(('notify() status', '999', 'from 100 to 599'),
                               self.notify, REQUEST_ERROR, thing(),
                               status=999)

    def test_status_a_boolean_is_refused(self):
        self.assertRaisesClear(('notify() status', 'True', '100 to 599'),
                               self.notify, REQUEST_ERROR, thing(),
                               status=True)

    def test_status_a_word_is_refused(self):
        self.assertRaisesClear(("'abc'", 'an HTTP status'),
                               self.notify, REQUEST_ERROR, thing(),
                               status='abc')

    def test_status_unhashable_is_refused(self):
        self.assertRaisesClear(('notify() status', '[404]', 'HTTP status'),
                               self.notify, REQUEST_ERROR, thing(),
                               status=[404])

    def test_status_on_an_event_without_variants_is_refused(self):
        self.assertRaisesClear(('EVENT_TYPE_THING_CREATE_END',
                                'no HTTP status variants', '404'),
                               self.notify, CREATE_END, thing(), status=404)

    def test_status_event_without_a_status_is_refused(self):
        self.assertRaisesClear(('EVENT_TYPE_REQUEST_THING_ERROR_<status>',
                                'pass status=404'),
                               self.notify, REQUEST_ERROR, thing())

    def test_duration_nan_is_refused(self):
        self.assertRaisesClear(('notify() duration_ms', 'nan',
                                'a finite number of milliseconds >= 0'),
                               self.notify, CREATE_END, thing(),
                               duration_ms=float('nan'))

    def test_duration_negative_is_refused(self):
        self.assertRaisesClear(('duration_ms', '-1', '>= 0'),
                               self.notify, CREATE_END, thing(),
                               duration_ms=-1)

    def test_duration_text_is_refused(self):
        self.assertRaisesClear(("duration_ms", "'12'", 'milliseconds'),
                               self.notify, CREATE_END, thing(),
                               duration_ms='12')

    def test_source_empty_is_refused(self):
        self.assertRaisesClear(("notify() source", "''", 'non-empty'),
                               self.notify, CREATE_END, thing(), source='')

    def test_source_unhashable_is_refused(self):
        self.assertRaisesClear(("notify() source", "['api']", 'non-empty '
                                'string'),
                               self.notify, CREATE_END, thing(),
                               source=['api'])

    def test_publisher_text_is_refused(self):
        self.assertRaisesClear(("notify() publisher", "'me'", 'Publisher'),
                               self.notify, CREATE_END, thing(),
                               publisher='me')

    def test_unknown_event_name_is_refused(self):
        self.assertRaisesClear(("'EVENT_TYPE_NOPE'", 'catalogs badapi',
                                'EVENT_TYPE_THING_CREATE_END'),
                               self.notify, 'EVENT_TYPE_NOPE', thing())

    def test_event_of_another_catalog_is_refused(self):
        exc = self.assertRaisesClear(
            ('EVENT_TYPE_OTHER_THING', 'otherapi', 'catalogs badapi',
             'EVENT_TYPE_THING_CREATE_END'),
            self.notify, OTHER_EVENT, thing())
        self.assertIsInstance(exc, errors.UnknownEventError)
        self.assertEqual([], list(self.sink.messages))

    def test_unhashable_event_is_refused(self):
        self.assertRaisesClear(('notify() event', "['thing.create.end']",
                                'constant name'),
                               self.notify, ['thing.create.end'], thing())

    def test_payload_of_the_wrong_class_is_refused(self):
        self.assertRaisesClear(('EVENT_TYPE_THING_CREATE_END',
                                'FaultPayload', 'expected a ThingPayload'),
                               self.notify, CREATE_END,
                               FaultPayload(module_name='m',
                                            function_name='f',
                                            exception='E',
                                            exception_message='x'))

    def test_payload_a_dict_is_refused(self):
        self.assertRaisesClear(("{'name': 'x'}", 'is not a ThingPayload',
                                'thing.create.end'),
                               self.notify, CREATE_END, {'name': 'x'})

    def test_factory_returning_the_wrong_class_is_refused(self):
        self.assertRaisesClear(('None', 'is not a ThingPayload'),
                               self.notify, CREATE_END, lambda: None)

    def test_factory_raising_is_wrapped_naming_event_and_factory(self):
        def build_thing():
            return 1 / 0
        exc = self.assertRaisesClear(
            ('payload factory', 'build_thing', 'thing.create.end',
             'ZeroDivisionError', 'division by zero', 'no arguments'),
            self.notify, CREATE_END, build_thing)
        self.assertIsInstance(exc, errors.PayloadFactoryError)
        self.assertIsInstance(exc.__cause__, ZeroDivisionError)
        self.assertEqual([], list(self.sink.messages))

    def test_factory_setting_a_bad_value_raises_the_field_error(self):
        exc = self.assertRaisesClear(
            ('ThingPayload.ratio', 'a finite float'), self.notify,
            CREATE_END, lambda: thing(ratio=float('inf')))
        self.assertIsInstance(exc, errors.FieldValueError)


class TestLifecycle(ApiCase):

    def from_dict(self, data):
        return lifecycle.Lifecycle.from_dict(self.notifier, data)

    def good_dict(self):
        with self.notifier.lifecycle(CREATE_START, thing()) as cycle:
            return cycle.to_dict()

    def test_notifier_not_a_notifier_is_refused(self):
        self.assertRaisesClear(('Lifecycle notifier', "'notifier'",
                                'a tidings Notifier'),
                               lifecycle.Lifecycle, 'notifier',
                               CREATE_START, thing())

    def test_started_at_nan_is_refused(self):
        self.assertRaisesClear(('Lifecycle started_at', 'nan',
                                'time.time() timestamp'),
                               lifecycle.Lifecycle, self.notifier,
                               CREATE_START, thing(),
                               started_at=float('nan'))

    def test_error_payload_not_callable_is_refused(self):
        self.assertRaisesClear(('Lifecycle error_payload', 'a callable'),
                               lifecycle.Lifecycle, self.notifier,
                               CREATE_START, thing(), error_payload='x')

    def test_factory_raising_is_wrapped(self):
        def make():
            raise KeyError('thing')
        cycle = lifecycle.Lifecycle(self.notifier, CREATE_START, make)
        exc = self.assertRaisesClear(
            ('payload factory', 'make', 'thing.create.start', 'KeyError'),
            cycle.start)
        self.assertIsInstance(exc.__cause__, KeyError)

    def test_from_dict_of_a_list_is_refused(self):
        self.assertRaisesClear(('lifecycle', 'expected a dict with event '
                                'and payload', "['x']"),
                               self.from_dict, ['x'])

    def test_from_dict_without_payload_is_refused(self):
        self.assertRaisesClear(('lifecycle', 'event and payload',
                                'EVENT_TYPE_THING_CREATE_START'),
                               self.from_dict,
                               {'event': 'EVENT_TYPE_THING_CREATE_START'})

    def test_from_dict_event_not_a_string_is_refused(self):
        data = self.good_dict()
        data['event'] = ['EVENT_TYPE_THING_CREATE_START']
        self.assertRaisesClear(("event ['EVENT_TYPE_THING_CREATE_START']",
                                'not a string'), self.from_dict, data)

    def test_from_dict_unknown_event_is_refused(self):
        data = self.good_dict()
        data['event'] = 'EVENT_TYPE_GONE'
        self.assertRaisesClear(("'EVENT_TYPE_GONE'", 'known events'),
                               self.from_dict, data)

    def test_from_dict_started_at_text_is_refused(self):
        data = self.good_dict()
        data['started_at'] = 'yesterday'
        self.assertRaisesClear(("'yesterday'", 'started_at',
                                'time.time() timestamp'),
                               self.from_dict, data)

    def test_from_dict_source_a_number_is_refused(self):
        data = self.good_dict()
        data['source'] = 5
        self.assertRaisesClear(('source 5', 'non-empty string'),
                               self.from_dict, data)

    def test_from_dict_payload_not_a_primitive_is_refused(self):
        data = self.good_dict()
        data['payload'] = 'ThingPayload'
        self.assertRaisesClear(('malformed notification payload',
                                'badapi_object.data'), self.from_dict, data)

    def test_emits_lifecycle_notifier_a_number_is_refused(self):
        self.assertRaisesClear(('emits_lifecycle notifier', '42',
                                'a Notifier'),
                               lifecycle.emits_lifecycle, 42, CREATE_START,
                               thing())

    def test_emits_lifecycle_payload_a_number_is_refused(self):
        self.assertRaisesClear(('emits_lifecycle payload', '42',
                                'a payload, or a callable'),
                               lifecycle.emits_lifecycle, self.notifier,
                               CREATE_START, 42)


class TestPeriodic(ApiCase):

    def task(self, interval, collect=lambda start, end: ()):
        return periodic.PeriodicTask(self.notifier, CREATE_END, interval,
                                     collect, option=('badapi', 'interval'))

    def test_interval_zero_is_refused(self):
        self.assertRaisesClear(('[badapi] interval = 0', '> 0'),
                               self.task, 0)

    def test_interval_nan_is_refused(self):
        self.assertRaisesClear(('[badapi] interval = nan', 'NaN',
                                'a finite number of seconds'),
                               self.task, float('nan'))

    def test_interval_infinity_is_refused(self):
        self.assertRaisesClear(('interval = inf', 'a finite number'),
                               self.task, float('inf'))

    def test_interval_text_is_refused(self):
        self.assertRaisesClear(("interval = '60'", 'non-numbers'),
                               self.task, '60')

    def test_interval_boolean_is_refused(self):
        self.assertRaisesClear(('interval = True', 'a finite number'),
                               self.task, True)

    def test_collect_not_callable_is_refused(self):
        self.assertRaisesClear(('PeriodicTask collect', "'usage'",
                                'a callable (period_start, period_end)'),
                               self.task, 60, 'usage')

    def test_unknown_event_is_refused(self):
        self.assertRaisesClear(("'EVENT_TYPE_NOPE'", 'known events'),
                               periodic.PeriodicTask, self.notifier,
                               'EVENT_TYPE_NOPE', 60, lambda s, e: ())


class TestEventRegistry(ApiCase):

    def define(self, name='EVENT_TYPE_X_DO', event_type='x.do',
               level='info', payload=ThingPayload, **kwargs):
        registry = registry_mod.EventRegistry('badreg', objects=OBJECTS)
        registry.define('EVENT_TYPE_TAKEN', 'taken.thing', 'info',
                        ThingPayload)
        return registry.define(name, event_type, level, payload, **kwargs)

    def assertDefineRefuses(self, cases):
        """``define(**kwargs)`` of each ``(kwargs, fragments)`` raises a
        clear error holding the fragments."""
        for kwargs, fragments in cases:
            try:
                self.assertRaisesClear(fragments, self.define, **kwargs)
            except AssertionError as exc:
                raise AssertionError('define(**%r): %s' % (kwargs, exc))

    def test_bad_event_type_or_level_is_refused(self):
        self.assertDefineRefuses([
            ({'event_type': 'X..Do'},
             ("event type 'X..Do'", '[prefix.]object.action[.phase]')),
            ({'event_type': 42}, ('event type 42', 'non-empty string')),
            ({'level': 'loud'}, ("level 'loud'", 'debug, info, audit')),
        ])

    def test_bad_mechanisms_or_metrics_are_refused(self):
        self.assertDefineRefuses([
            ({'mechanisms': ['email']},
             ("mechanism 'email'", 'no installed backend',
              'messaging (jsonfile, messaging)')),
            ({'mechanisms': None},
             ('delivery mechanisms None', 'a list of the mechanisms',
              'log (log)')),
            ({'metrics': [7]}, ('metric name 7', 'letters, digits')),
            ({'metrics': ['a b']}, ("metric name 'a b'", 'letters, digits')),
        ])

    def test_taken_or_malformed_names_are_refused(self):
        self.assertDefineRefuses([
            ({'name': 'EVENT_TYPE_TAKEN'},
             ('badreg', 'EVENT_TYPE_TAKEN', 'defined twice')),
            ({'event_type': 'taken.thing'},
             ('event type taken.thing', 'already used by EVENT_TYPE_TAKEN')),
            ({'name': 'event_x'}, ("constant name 'event_x'", 'UPPER_CASE')),
        ])

    def test_bad_payload_option_or_source_is_refused(self):
        self.assertDefineRefuses([
            ({'payload': dict},
             ("payload <class 'dict'>", 'not a Payload subclass')),
            ({'mechanism': ['log']},
             ('unknown option(s) mechanism', 'accepted:', 'mechanisms')),
            ({'status_variants': True},
             ('status_variants needs an event type ending in .error',
              'x.do')),
            ({'source': ''}, ("source ''", 'non-empty string')),
        ])

    def test_registry_name_none_is_refused(self):
        self.assertRaisesClear(('EventRegistry name None',
                                'non-empty string'),
                               registry_mod.EventRegistry, None)

    def test_registry_objects_not_an_object_registry_is_refused(self):
        self.assertRaisesClear(("objects 'badapi'", 'not an ObjectRegistry'),
                               registry_mod.EventRegistry, 'x',
                               objects='badapi')

    def test_get_unknown_event_is_refused(self):
        self.assertRaisesClear(("'EVENT_TYPE_NOPE'", 'catalog badapi',
                                'EVENT_TYPE_THING_CREATE_END'),
                               EVENTS.get, 'EVENT_TYPE_NOPE')

    def test_get_an_unhashable_reference_is_refused(self):
        self.assertRaisesClear(("['x']", 'catalog badapi', 'constant name'),
                               EVENTS.get, ['x'])

    def test_add_something_not_a_definition_is_refused(self):
        self.assertRaisesClear(("'EVENT_TYPE_X'", 'not an EventDefinition'),
                               EVENTS.add, 'EVENT_TYPE_X')


class TestObjectRegistry(ApiCase):

    def test_namespace_a_number_is_refused(self):
        self.assertRaisesClear(('ObjectRegistry namespace 5',
                                'letters, digits and underscores'),
                               base.ObjectRegistry, 5)

    def test_namespace_with_a_dot_is_refused(self):
        self.assertRaisesClear(("namespace 'a.b'", 'underscores'),
                               base.ObjectRegistry, 'a.b')

    def test_register_a_non_payload_class_is_refused(self):
        self.assertRaisesClear(("register(<class 'int'>)",
                                'TidingsObject subclass'),
                               base.ObjectRegistry('reg1').register, int)

    def test_register_an_instance_is_refused(self):
        self.assertRaisesClear(('register(', 'TidingsObject subclass'),
                               base.ObjectRegistry('reg2').register, thing())

    def test_register_a_class_with_a_non_field_is_refused(self):
        class Odd(payload_mod.Payload):
            fields = {'n': int}
        self.assertRaisesClear(("Odd.fields['n']", "<class 'int'>",
                                'StringField()'),
                               base.ObjectRegistry('reg3').register, Odd)

    def test_register_a_malformed_version_is_refused(self):
        class Odd(payload_mod.Payload):
            VERSION = '1'
        self.assertRaisesClear(("version '1'", 'MAJOR.MINOR'),
                               base.ObjectRegistry('reg4').register, Odd)

    def test_get_unknown_payload_is_refused(self):
        self.assertRaisesClear(("'badapi.Nope'", 'badapi.ThingPayload'),
                               OBJECTS.get, 'Nope')

    def test_get_unknown_version_is_refused(self):
        self.assertRaisesClear(("'badapi.ThingPayload@9.9'",
                                'badapi.ThingPayload@1.0'),
                               OBJECTS.get, 'ThingPayload', '9.9')


class TestValidator(ApiCase):

    def wire(self, **changes):
        message = {'priority': 'INFO', 'event_type': 'audit.create',
                   'timestamp': '2026-01-01 00:00:00.000000',
                   'publisher_id': 'x:y', 'message_id': 'm-1',
                   'payload': {}}
        message.update(changes)
        return message

    def test_a_list_message_is_refused(self):
        self.assertRaisesClear(('malformed notification [1]',
                                'expected a JSON object'),
                               validator_mod.NotificationValidator(
                               ).validate, [1])

    def test_a_text_message_is_refused(self):
        self.assertRaisesClear(("'{}'", 'expected a JSON object'),
                               validator_mod.NotificationValidator(
                               ).validate, '{}')

    def test_a_message_without_a_key_is_refused(self):
        message = self.wire()
        del message['publisher_id']
        self.assertRaisesClear(("key 'publisher_id' is missing", 'priority, '
                                'event_type'),
                               validator_mod.NotificationValidator(
                               ).validate, message)

    def test_a_payload_version_not_in_the_lock_file_is_refused(self):
        message = self.wire(payload={
            'watcher_object.name': 'AuditCreatePayload',
            'watcher_object.version': '9.9',
            'watcher_object.data': {}})
        self.assertRaisesClear(('watcher.AuditCreatePayload@9.9',
                                'locked versions'),
                               validator_mod.NotificationValidator(
                               ).validate, message)

    def test_a_payload_name_not_a_string_is_refused(self):
        message = self.wire(payload={'watcher_object.name': ['x'],
                                     'watcher_object.version': '1.0'})
        self.assertRaisesClear(("watcher_object.name is ['x']",
                                'expected a string'),
                               validator_mod.NotificationValidator(
                               ).validate, message)

    def test_registries_entry_none_is_refused(self):
        self.assertRaisesClear(('NotificationValidator registries[0]',
                                'None', 'an EventRegistry'),
                               validator_mod.NotificationValidator,
                               registries=[None])

    def test_lock_a_number_is_refused(self):
        self.assertRaisesClear(('NotificationValidator lock', '5',
                                'a lock file path'),
                               validator_mod.NotificationValidator, lock=5)

    def test_lock_a_missing_file_is_refused(self):
        self.assertRaisesClear(('/nonexistent/lock.json', 'does not exist'),
                               validator_mod.NotificationValidator,
                               lock='/nonexistent/lock.json')


class TestPublisher(ApiCase):

    def test_source_empty_is_refused(self):
        self.assertRaisesClear(("Publisher source ''", 'non-empty string'),
                               publisher_mod.Publisher, '')


# -- what is accepted reaches every backend --------------------------------

def _refuse_constant(name):
    raise AssertionError('not strict JSON: %s' % name)


def strict_json(test, line):
    """``line`` is strict JSON (no NaN/Infinity), encodes as UTF-8 and
    with orjson; returns the parsed document."""
    doc = json.loads(line, parse_constant=_refuse_constant)
    line.encode('utf-8')
    orjson.dumps(doc)
    return doc


_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(-2 ** 63, 2 ** 63 - 1),
    st.sampled_from([2 ** 63, -2 ** 63 - 1, 2 ** 64, 10 ** 30]),
    st.floats(), st.sampled_from([float('nan'), float('inf'),
                                  float('-inf'), -0.0, 1e308]),
    st.text(), st.text(st.characters(codec=None, categories=None)),
    st.sampled_from(['\ud800', 'a\udfff', '\x00', 'nul\x00in', 'é\ud83d']),
)
_JSONISH = st.recursive(
    _SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=5),
                                  st.sampled_from(['\ud800', 'k'])),
                        inner, max_size=4)),
    max_leaves=12)
#: (field, value) pairs: right and wrong types for every field.
FIELD_VALUES = st.one_of(
    st.tuples(st.sampled_from(['name', 'note', 'secret', 'state', 'uuid',
                               'level', 'phase']), _SCALARS),
    st.tuples(st.sampled_from(['ratio', 'count', 'size', 'flag']),
              _SCALARS),
    st.tuples(st.sampled_from(['labels', 'tags', 'ports', 'sizes',
                               'params', 'scope']), _JSONISH),
    st.tuples(st.just('when'), st.one_of(
        st.datetimes(timezones=st.none() | st.timezones()), _SCALARS)),
)
PROPERTY = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


class TestAcceptedValuesReachEveryBackend(BadInputCase):
    """A value is refused when the field is set, or notify() delivers it,
    as strict JSON, through memory, jsonfile and log (json lines)."""

    def setUp(self):
        super().setUp()
        directory = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(directory, 'notifications.jsonl')
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='badapi.notifications', level=logging.DEBUG,
            format='%(message)s'))
        self.memory = memory.MemoryBackend()
        self.jsonfile = jsonfile.JsonFileBackend(None, path=self.path)
        self.log = log_backend.LogBackend(
            None, logger_name='badapi.notifications', line_format='json')
        conf = tidings_conf.new_conf()
        conf.set_override('level', 'debug', 'notifications')
        self.notifier = notifier_mod.Notifier(
            conf, EVENTS, source='badapi',
            backends=[self.memory, self.jsonfile, self.log])
        self.addCleanup(self.notifier.close)

    @PROPERTY
    @given(FIELD_VALUES)
    def test_refused_at_the_field_or_delivered_as_strict_json(self, pair):
        field, value = pair
        payload = thing()
        try:
            setattr(payload, field, value)
        except errors.FieldValueError as exc:
            self.assertClearError(exc, 'ThingPayload.%s' % field)
            return
        before = len(self.logger.output.splitlines())
        note = self.notifier.notify(CREATE_END, payload)
        self.assertIsNotNone(note)
        self.assertTrue(self.notifier.flush(10))
        wire = self.memory.messages[-1]
        self.assertEqual(note.message_id, wire['message_id'])
        strict_json(self, json.dumps(wire, default=str))
        with open(self.path, encoding='utf-8', errors='strict') as handle:
            last = handle.read().splitlines()[-1]
        self.assertEqual(note.message_id,
                         strict_json(self, last)['message_id'])
        lines = self.logger.output.splitlines()[before:]
        self.assertEqual(1, len(lines))
        self.assertEqual(note.message_id,
                         strict_json(self, lines[0])['message_id'])


class TestAcceptedValuesAreStoredInTheDatabase(BadInputCase):
    """Every notification notify() accepted is a row of the SQLite event
    table, its payload column strict JSON."""

    def setUp(self):
        super().setUp()
        from tests import dbhelpers
        from tidings.backends import eventstore
        directory = tempfile.mkdtemp(prefix='tidings-badapi-')
        self.addCleanup(_remove_tree, directory)
        url = 'sqlite:///' + os.path.join(directory, 'events.sqlite')
        self.backend = dbhelpers.make_backend(self, url)
        self.notifier = notifier_mod.Notifier(
            None, EVENTS, source='badapi', backends=[self.backend])
        self.addCleanup(self.notifier.close)
        self.store = eventstore.EventStore(
            url, table_prefix=self.backend.table_prefix)
        self.addCleanup(self.store.close)

    @PROPERTY
    @given(FIELD_VALUES, st.sampled_from([None, 'req-\x00', 'r\ud800',
                                          'req-1']))
    def test_every_accepted_notification_is_stored(self, pair, request_id):
        field, value = pair
        payload = thing(note='nul \x00 here')
        try:
            setattr(payload, field, value)
        except errors.FieldValueError:
            return
        try:
            note = self.notifier.notify(CREATE_END, payload,
                                        context={'request_id': request_id,
                                                 'project_id': 'p1'})
        except context_mod.ContextError:
            # refused at the caller (a lone surrogate), never dropped later
            self.assertEqual('r\ud800', request_id)
            return
        self.assertTrue(self.notifier.flush(10))
        event = self.store.get(note.message_id, project='p1')
        self.assertEqual(note.message_id, event['id'])
        self.assertEqual(json.loads(json.dumps(note.to_wire()['payload'],
                                               default=str)),
                         event['payload'])
        strict_json(self, json.dumps(event['payload']))
        self.assertEqual(0, self.backend.stats().get('dropped', 0))


def _remove_tree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


class TestNulIsCarried(ApiCase):
    """NUL is valid JSON (``\\u0000``): accepted, and carried by the
    database backend (whose text columns replace it)."""

    def test_nul_in_a_string_is_accepted_and_written_escaped(self):
        payload = thing(note='a\x00b')
        note = self.notifier.notify(CREATE_END, payload)
        self.assertIn('\\u0000', json.dumps(note.to_wire()))


# -- no noise ---------------------------------------------------------------

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


class TestNoNoise(BadInputCase):

    def test_importing_tidings_prints_no_deprecation_warning(self):
        code = ('import tidings, tidings.notifications.notifier, '
                'tidings.testing.fixtures, tidings.backends.messaging, '
                'tidings.backends.database, '
                'tidings.backends.messaging.outbox, '
                'tidings.backends.messaging.publishers.rabbit, '
                'tidings.backends.messaging.publishers.oslo, '
                'tidings.backends.jsonfile, '
                'tidings.backends.log, tidings.backends.statsd, '
                'tidings.catalogs')
        env = dict(os.environ, PYTHONPATH=_ROOT)
        result = subprocess.run(
            [sys.executable, '-W', 'error::DeprecationWarning', '-W',
             'error::Warning', '-c', code], cwd=_ROOT, env=env,
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr[-3000:])
        self.assertEqual('', result.stderr)

    def test_the_import_filter_leaves_the_process_filters_alone(self):
        code = ('import warnings; before = list(warnings.filters); '
                'import tidings.objects.base; '
                'assert warnings.filters == before, warnings.filters')
        env = dict(os.environ, PYTHONPATH=_ROOT)
        result = subprocess.run([sys.executable, '-c', code], cwd=_ROOT,
                                env=env, capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(0, result.returncode, result.stderr[-3000:])

    def test_a_failed_amqp_connect_gives_no_force_connect_warning(self):
        import socket

        from tidings.backends.messaging.publishers import rabbit
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()          # nothing listens there now
        sender = rabbit.RabbitPipelineSender(
            [('127.0.0.1', port, 'guest', 'guest')], timeout=0.5)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assertRaises(OSError, sender.connect)
            sender.close()
        self.assertEqual([], [str(w.message) for w in caught])

    def test_abort_of_a_never_connected_amqp_connection_is_quiet(self):
        import amqp

        from tidings.backends.messaging import hooks
        conn = amqp.Connection('127.0.0.1:1', connect_timeout=0.1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            hooks.abort(conn)
        self.assertEqual([], [str(w.message) for w in caught])
        self.assertIsNone(conn._transport)
