"""EventDefinition and EventRegistry."""

import testtools

from tests.unit import catalog
from tidings.notifications import registry
from tidings.objects import errors


def _registry():
    return registry.EventRegistry('regtest', objects=catalog.OBJECTS)


def _define_error(test, name='EVENT_X', event_type='a.b', level='info',
                  payload=catalog.PingPayload, **options):
    """Why a new registry refuses this definition."""
    return str(test.assertRaises(errors.EventDefinitionError,
                                 _registry().define, name, event_type,
                                 level, payload, **options))


class TestDefine(testtools.TestCase):

    def test_define_returns_the_definition(self):
        events = _registry()
        found = events.define('EVENT_X_DO', 'regtest.x.do', 'info',
                              catalog.PingPayload)
        self.assertIs(found, events['EVENT_X_DO'])
        self.assertEqual('regtest', found.catalog)

    def test_level_is_normalised_and_priority_uppercase(self):
        found = _registry().define('EVENT_X_DO', 'regtest.x.do', 'Warning',
                                   catalog.PingPayload)
        self.assertEqual(('warn', 'WARN'), (found.level, found.priority))

    def test_mechanisms_default_to_messaging(self):
        found = _registry().define('EVENT_X_DO', 'regtest.x.do', 'info',
                                   catalog.PingPayload)
        self.assertEqual(('messaging',), found.mechanisms)

    def test_lowercase_constant_is_rejected(self):
        self.assertIn("constant name 'event_x' must be UPPER_CASE",
                      _define_error(self, name='event_x'))

    def test_malformed_event_type_is_rejected(self):
        self.assertRaises(errors.EventTypeError, _registry().define,
                          'EVENT_X', 'Bad', 'info', catalog.PingPayload)

    def test_unknown_level_lists_levels(self):
        self.assertIn("level 'loud' is not one of debug, info",
                      _define_error(self, level='loud'))

    def test_payload_must_be_a_payload_class(self):
        self.assertIn('is not a Payload subclass',
                      _define_error(self, payload=dict))

    def test_unknown_mechanism_lists_mechanisms(self):
        self.assertIn("'kafka' is served by no installed backend; the "
                      "installed backends serve: database (database), log "
                      "(log), messaging (jsonfile, messaging), statsd "
                      "(statsd)", _define_error(self, mechanisms=['kafka']))

    def test_bad_metric_name_is_rejected(self):
        self.assertIn("metric name 'a b'",
                      _define_error(self, metrics=['a b']))

    def test_same_constant_twice_is_rejected(self):
        self.assertIn('EVENT_X is defined twice',
                      self.second_definition_error('EVENT_X', 'a.c'))

    def test_same_event_type_twice_is_rejected(self):
        self.assertIn('a.b of EVENT_Y is already used by EVENT_X',
                      self.second_definition_error('EVENT_Y', 'a.b'))

    def second_definition_error(self, name, event_type):
        """The error of defining ``name``/``event_type`` after EVENT_X
        (a.b)."""
        events = _registry()
        events.define('EVENT_X', 'a.b', 'info', catalog.PingPayload)
        return str(self.assertRaises(errors.EventDefinitionError,
                                     events.define, name, event_type,
                                     'info', catalog.PingPayload))

    def test_status_variants_need_an_error_event(self):
        self.assertIn('needs an event type ending in .error',
                      _define_error(self, event_type='a.b.end',
                                    status_variants=True))


class TestLookup(testtools.TestCase):

    def test_by_constant(self):
        self.assertIs(catalog.TABLE_CREATE_END,
                      catalog.EVENTS['EVENT_TYPE_TABLE_CREATE_END'])

    def test_by_event_type(self):
        self.assertIs(catalog.TABLE_CREATE_END,
                      catalog.EVENTS['unitcat.table.create.end'])

    def test_by_attribute(self):
        self.assertIs(catalog.TABLE_CREATE_END,
                      catalog.EVENTS.EVENT_TYPE_TABLE_CREATE_END)

    def test_unknown_event_lists_known_events(self):
        exc = self.assertRaises(errors.UnknownEventError,
                                catalog.EVENTS.get, 'EVENT_NOPE')
        self.assertIn("unknown event 'EVENT_NOPE' in catalog unitcat",
                      str(exc))
        self.assertIn('EVENT_TYPE_TABLE_CREATE_END', str(exc))

    def test_unknown_attribute_is_an_attribute_error(self):
        self.assertRaises(AttributeError, getattr, catalog.EVENTS,
                          'EVENT_NOPE')

    def test_contains(self):
        self.assertIn('unitcat.table.create.start', catalog.EVENTS)
        self.assertNotIn('unitcat.table.nope', catalog.EVENTS)


class TestStatusVariants(testtools.TestCase):

    def test_constant_with_status_gives_the_variant(self):
        found = catalog.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']
        self.assertEqual('unitcat.req.table_create.error.404',
                         found.event_type_str)
        self.assertEqual(404, found.status)

    def test_variant_metric_gets_the_status_suffix(self):
        found = catalog.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']
        self.assertEqual(('unitcat.req.table_create.error.404',),
                         found.metrics)

    def test_metric_already_ending_in_error_gets_only_the_status(self):
        events = _registry()
        events.define('EVENT_R_ERROR', 'regtest.r.x.error', 'error',
                      catalog.PingPayload, metrics=['mdb.req.x.error'],
                      status_variants=True)
        self.assertEqual(('mdb.req.x.error.500',),
                         events['EVENT_R_ERROR_500'].metrics)

    def test_event_type_with_status_gives_the_same_variant(self):
        self.assertIs(
            catalog.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_503'],
            catalog.EVENTS['unitcat.req.table_create.error.503'])

    def test_variant_keeps_the_template(self):
        found = catalog.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']
        self.assertIs(catalog.REQUEST_ERROR, found.template)
        self.assertEqual(catalog.REQUEST_ERROR.mechanisms, found.mechanisms)

    def test_find_with_status_argument(self):
        self.assertEqual(409, catalog.EVENTS.find(
            catalog.REQUEST_ERROR, status=409).status)

    def test_variants_are_not_registry_entries(self):
        catalog.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_418']
        self.assertNotIn('EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_418',
                         catalog.EVENTS.names())

    def test_status_on_plain_event_is_rejected(self):
        exc = self.assertRaises(errors.EventDefinitionError,
                                catalog.TABLE_CREATE_ERROR.variant, 404)
        self.assertIn('has no HTTP status variants', str(exc))

    def test_status_suffix_on_plain_event_is_unknown(self):
        self.assertRaises(errors.UnknownEventError, catalog.EVENTS.get,
                          'EVENT_TYPE_TABLE_CREATE_ERROR_404')

    def test_as_dict_shows_the_status_placeholder(self):
        described = catalog.REQUEST_ERROR.as_dict()
        self.assertEqual('unitcat.req.table_create.error.<status>',
                         described['event_type'])
        self.assertEqual(['unitcat.req.table_create.error.<status>'],
                         described['metrics'])


class TestLifecycleEvents(testtools.TestCase):

    def test_from_start_event(self):
        self.assertEqual({
            'start': catalog.TABLE_CREATE_START,
            'end': catalog.TABLE_CREATE_END,
            'error': catalog.TABLE_CREATE_ERROR,
        }, catalog.EVENTS.lifecycle_events('EVENT_TYPE_TABLE_CREATE_START'))

    def test_from_phaseless_event_type(self):
        self.assertEqual(
            catalog.TABLE_CREATE_END,
            catalog.EVENTS.lifecycle_events('unitcat.table.create')['end'])

    def test_without_start_or_end_is_an_error(self):
        exc = self.assertRaises(errors.UnknownEventError,
                                catalog.EVENTS.lifecycle_events,
                                'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR')
        self.assertIn('unitcat.req.table_create.start/.end', str(exc))


class TestDescribe(testtools.TestCase):

    def test_as_dict_has_the_public_keys(self):
        described = catalog.TABLE_CREATE_END.as_dict()
        self.assertEqual({
            'name': 'EVENT_TYPE_TABLE_CREATE_END',
            'event_type': 'unitcat.table.create.end',
            'level': 'info',
            'mechanisms': ['messaging', 'statsd', 'log'],
            'metrics': ['unitcat.table.create'],
            'payload': 'TablePayload',
            'payload_version': '1.2',
            'catalog': 'unitcat',
        }, {k: described[k] for k in (
            'name', 'event_type', 'level', 'mechanisms', 'metrics',
            'payload', 'payload_version', 'catalog')})

    def test_payload_classes_include_nested_ones(self):
        names = [c.obj_name() for c in catalog.EVENTS.payload_classes()]
        self.assertEqual(['DiskPayload', 'ExceptionPayload', 'PingPayload',
                          'TablePayload'], names)
