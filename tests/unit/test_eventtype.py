"""EventType: parse and format ``[prefix.]object.action[.phase]``."""

import testtools

from tidings.notifications import eventtype
from tidings.objects import errors

EventType = eventtype.EventType


class TestParse(testtools.TestCase):

    def _parts(self, text):
        et = EventType.parse(text)
        return et.prefix, et.object, et.action, et.phase, et.status

    #: (event type, its parts, what it shows)
    PARSED = [
        ('audit.create', (None, 'audit', 'create', None, None),
         'object and action'),
        ('audit.strategy.end', (None, 'audit', 'strategy', 'end', None),
         'object, action and phase'),
        ('magnetodb.table.create.start',
         ('magnetodb', 'table', 'create', 'start', None),
         'prefix, object, action and phase'),
        ('trove.instance.exists', ('trove', 'instance', 'exists', None, None),
         'a third part that is not a phase makes a prefix'),
        ('magnetodb.req.create.error.404',
         ('magnetodb', 'req', 'create', 'error', '404'),
         'an error with an HTTP status'),
        ('audit.start', (None, 'audit', 'start', None, None),
         'two parts are always object and action'),
        ('x.error.404', ('x', 'error', '404', None, None),
         'a status needs object and action before error'),
        ('a.b.c.d.start', ('a.b', 'c', 'd', 'start', None),
         'a dotted prefix'),
        ('dbaas.instance_create.x-y',
         ('dbaas', 'instance_create', 'x-y', None, None),
         'hyphen and underscore are allowed'),
    ]

    def test_parts(self):
        for text, parts, shows in self.PARSED:
            self.assertEqual(parts, self._parts(text), shows)

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
