"""EventType: parse and format ``[prefix.]object.action[.phase]``."""

import testtools

from tidings.notifications import eventtype
from tidings.objects import errors

EventType = eventtype.EventType


class TestParse(testtools.TestCase):

    def _parts(self, text):
        et = EventType.parse(text)
        return et.prefix, et.object, et.action, et.phase, et.status

    def test_object_and_action(self):
        self.assertEqual((None, 'audit', 'create', None, None),
                         self._parts('audit.create'))

    def test_object_action_and_phase(self):
        self.assertEqual((None, 'audit', 'strategy', 'end', None),
                         self._parts('audit.strategy.end'))

    def test_prefix_object_action_phase(self):
        self.assertEqual(('magnetodb', 'table', 'create', 'start', None),
                         self._parts('magnetodb.table.create.start'))

    def test_third_part_that_is_not_a_phase_makes_a_prefix(self):
        self.assertEqual(('trove', 'instance', 'exists', None, None),
                         self._parts('trove.instance.exists'))

    def test_error_with_http_status(self):
        self.assertEqual(('magnetodb', 'req', 'create', 'error', '404'),
                         self._parts('magnetodb.req.create.error.404'))

    def test_two_parts_are_always_object_and_action(self):
        self.assertEqual((None, 'audit', 'start', None, None),
                         self._parts('audit.start'))

    def test_status_needs_object_and_action_before_error(self):
        self.assertEqual(('x', 'error', '404', None, None),
                         self._parts('x.error.404'))

    def test_dotted_prefix(self):
        self.assertEqual(('a.b', 'c', 'd', 'start', None),
                         self._parts('a.b.c.d.start'))

    def test_hyphen_and_underscore_are_allowed(self):
        self.assertEqual(('dbaas', 'instance_create', 'x-y', None, None),
                         self._parts('dbaas.instance_create.x-y'))

    def test_format_gives_back_the_string(self):
        for text in ('audit.create', 'magnetodb.table.create.start',
                     'magnetodb.req.create.error.404', 'a.b.c.d.e.end'):
            self.assertEqual(text, EventType.parse(text).format())

    def test_equal_to_its_string(self):
        self.assertEqual(EventType.parse('audit.create'), 'audit.create')
        self.assertEqual(hash(EventType.parse('audit.create')),
                         hash(EventType('audit', 'create')))


class TestParseErrors(testtools.TestCase):

    def _error(self, text):
        return str(self.assertRaises(errors.EventTypeError,
                                     EventType.parse, text))

    def test_single_word(self):
        self.assertIn('needs at least an object and an action',
                      self._error('audit'))

    def test_empty_part(self):
        self.assertIn('empty part at position 2', self._error('audit..end'))

    def test_uppercase(self):
        self.assertIn("part 'Create' is not a lowercase word",
                      self._error('audit.Create'))

    def test_not_a_string(self):
        self.assertIn('not a non-empty string', self._error(None))

    def test_phase_alone_is_not_an_event_type(self):
        self.assertIn('needs at least', self._error('start'))

    def test_error_names_the_value_and_accepted_form(self):
        message = self._error('Bad Type')
        self.assertIn("event type 'Bad Type'", message)
        self.assertIn('[prefix.]object.action[.phase]', message)

    def test_status_only_after_error(self):
        exc = self.assertRaises(errors.EventTypeError, EventType, 'a', 'b',
                                'end', None, '404')
        self.assertIn('only the error phase', str(exc))

    def test_status_must_be_an_http_status(self):
        exc = self.assertRaises(errors.EventTypeError, EventType, 'a', 'b',
                                'error', None, '999')
        self.assertIn('HTTP status 100-599', str(exc))

    def test_prefix_must_be_a_string(self):
        self.assertRaises(errors.EventTypeError, EventType, 'a', 'b',
                          prefix=5)

    def test_unknown_phase_in_constructor(self):
        self.assertRaises(errors.EventTypeError, EventType, 'a', 'b',
                          'middle')


class TestDerive(testtools.TestCase):

    def test_with_phase(self):
        et = EventType.parse('magnetodb.table.create.start')
        self.assertEqual('magnetodb.table.create.end',
                         et.with_phase('end').format())

    def test_with_status(self):
        et = EventType.parse('magnetodb.req.create.error')
        self.assertEqual('magnetodb.req.create.error.503',
                         et.with_status(503).format())
