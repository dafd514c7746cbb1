"""Property-based tests: field coercion and the event-type parser.

A value given to a field is either accepted -- and then survives the wire
primitive, JSON and ``registry.from_primitive`` unchanged -- or refused with
a FieldValueError; never any other exception.  Every dotted string of valid
parts parses and formats back to itself; anything else is an
EventTypeError.
"""

import json
import math

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import testtools

from tidings.notifications import eventtype
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('proptest')
STATES = ('PENDING', 'ONGOING', 'SUCCEEDED', 'FAILED')


@OBJECTS.register
class Sample(payload_mod.Payload):
    fields = {
        'count': fields.IntegerField(nullable=True),
        'name': fields.StringField(nullable=True),
        'flag': fields.BooleanField(nullable=True),
        'state': fields.EnumField(STATES, nullable=True),
        'level': fields.LevelField(nullable=True),
        'phase': fields.PhaseField(nullable=True),
        'ident': fields.UUIDField(nullable=True),
    }


SETTINGS = settings(max_examples=100, deadline=None)

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.binary(max_size=8), st.uuids(), st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.sampled_from(STATES + fields.LEVELS + fields.PHASES +
                    ('warning', 'true', 'no', ' 42 ', '1.5')),
)


def round_trip(payload):
    wire = json.loads(json.dumps(payload.obj_to_primitive()))
    return OBJECTS.from_primitive(wire)


def random_case(word):
    return st.lists(st.booleans(), min_size=len(word),
                    max_size=len(word)).map(
        lambda flags: ''.join(c.upper() if up else c
                              for c, up in zip(word, flags, strict=True)))


def is_int_text(text):
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


class TestValidValuesRoundTrip(testtools.TestCase):

    @SETTINGS
    @given(st.integers(-2 ** 63, 2 ** 63 - 1))
    def test_integers(self, value):
        self.assertEqual(value, round_trip(Sample(count=value)).count)

    @SETTINGS
    @given(st.one_of(st.integers(min_value=2 ** 63),
                     st.integers(max_value=-2 ** 63 - 1)))
    def test_integers_beyond_signed_64_bits_are_refused(self, value):
        exc = self.assertRaises(errors.FieldValueError, Sample, count=value)
        self.assertIn('signed 64 bits', str(exc))

    @SETTINGS
    @given(st.integers(-2 ** 52, 2 ** 52))
    def test_integer_text_and_whole_floats(self, value):
        self.assertEqual(value, round_trip(Sample(count=str(value))).count)
        self.assertEqual(value,
                         round_trip(Sample(count=float(value))).count)

    @SETTINGS
    @given(st.text())
    def test_strings(self, value):
        self.assertEqual(value, round_trip(Sample(name=value)).name)

    @SETTINGS
    @given(st.booleans())
    def test_booleans(self, value):
        self.assertIs(value, round_trip(Sample(flag=value)).flag)

    @SETTINGS
    @given(st.sampled_from(['true', 'yes', 'on', '1', 'false', 'no', 'off',
                            '0']).flatmap(random_case))
    def test_boolean_words(self, value):
        expected = value.lower() in ('true', 'yes', 'on', '1')
        self.assertIs(expected, round_trip(Sample(flag=value)).flag)

    @SETTINGS
    @given(st.sampled_from(STATES))
    def test_enums(self, value):
        self.assertEqual(value, round_trip(Sample(state=value)).state)

    @SETTINGS
    @given(st.sampled_from(fields.LEVELS + ('warning',)).flatmap(
        random_case))
    def test_levels_in_any_case(self, value):
        canonical = fields.normalize_level(value)
        self.assertIn(canonical, fields.LEVELS)
        self.assertEqual(canonical, round_trip(Sample(level=value)).level)

    @SETTINGS
    @given(st.sampled_from(fields.PHASES).flatmap(random_case))
    def test_phases_in_any_case(self, value):
        self.assertEqual(value.lower(),
                         round_trip(Sample(phase=value)).phase)

    @SETTINGS
    @given(st.uuids())
    def test_uuids(self, value):
        self.assertEqual(str(value), round_trip(Sample(ident=value)).ident)


class TestInvalidValuesAreFieldValueErrors(testtools.TestCase):

    def _refused(self, field, value):
        exc = self.assertRaises(errors.FieldValueError, Sample,
                                **{field: value})
        self.assertEqual(('Sample', field), (exc.payload, exc.field))

    @SETTINGS
    @given(st.one_of(
        st.floats().filter(lambda f: not (math.isfinite(f) and
                                          f.is_integer())),
        st.text().filter(lambda t: not is_int_text(t)),
        st.booleans(), st.binary(), st.lists(st.integers(), min_size=1)))
    def test_integers(self, value):
        self._refused('count', value)

    @SETTINGS
    @given(st.one_of(st.binary(), st.lists(st.text()),
                     st.dictionaries(st.text(), st.text(), min_size=1)))
    def test_strings(self, value):
        self._refused('name', value)

    @SETTINGS
    @given(st.one_of(
        st.integers().filter(lambda i: i not in (0, 1)),
        st.text().filter(lambda t: t.strip().lower() not in (
            'true', 'yes', 'on', '1', 't', 'y', 'false', 'no', 'off', '0',
            'f', 'n')),
        st.floats(), st.lists(st.booleans())))
    def test_booleans(self, value):
        self._refused('flag', value)

    @SETTINGS
    @given(st.text().filter(lambda t: t not in STATES))
    def test_enums(self, value):
        self._refused('state', value)

    @SETTINGS
    @given(st.text().filter(
        lambda t: t.strip().lower() not in fields.LEVELS + ('warning',)))
    def test_levels(self, value):
        self._refused('level', value)

    @SETTINGS
    @given(st.text().filter(lambda t: t.strip().lower() not in
                            fields.PHASES))
    def test_phases(self, value):
        self._refused('phase', value)


class TestAnyValue(testtools.TestCase):
    """Whatever a caller passes: accepted and round-tripped, or a
    FieldValueError."""

    @SETTINGS
    @given(st.sampled_from(sorted(Sample.fields)), ANYTHING)
    def test_accepted_or_field_value_error(self, field, value):
        try:
            payload = Sample(**{field: value})
        except errors.FieldValueError as exc:
            self.assertEqual(field, exc.field)
            return
        self.assertEqual(getattr(payload, field),
                         getattr(round_trip(payload), field))


WORD = st.one_of(
    st.from_regex(r'[a-z0-9][a-z0-9_-]{0,8}', fullmatch=True),
    st.sampled_from(fields.PHASES + ('404', '500', '200')))


class TestEventTypeParser(testtools.TestCase):

    @SETTINGS
    @given(st.lists(WORD, min_size=2, max_size=6).map('.'.join))
    def test_format_of_parse_gives_the_string_back(self, text):
        self.assertEqual(text, eventtype.EventType.parse(text).format())

    @SETTINGS
    @given(st.lists(WORD, min_size=2, max_size=6).map('.'.join))
    def test_parsed_parts_are_valid(self, text):
        parsed = eventtype.EventType.parse(text)
        self.assertTrue(parsed.object and parsed.action)
        self.assertIn(parsed.phase, fields.PHASES + (None,))
        if parsed.status is not None:
            self.assertEqual('error', parsed.phase)

    @SETTINGS
    @given(st.text())
    def test_any_text_parses_or_is_an_event_type_error(self, text):
        try:
            parsed = eventtype.EventType.parse(text)
        except errors.EventTypeError as exc:
            self.assertIn('[prefix.]object.action[.phase]', str(exc))
            return
        self.assertEqual(text, parsed.format())

    @SETTINGS
    @given(st.one_of(st.none(), st.integers(), st.binary(),
                     st.lists(st.text())))
    def test_non_strings_are_event_type_errors(self, value):
        self.assertRaises(errors.EventTypeError, eventtype.EventType.parse,
                          value)

    @SETTINGS
    @given(st.lists(WORD, min_size=2, max_size=5),
           st.sampled_from([
               lambda t: t + '.',
               lambda t: '.' + t,
               lambda t: t.replace('.', '..', 1),
               lambda t: t + 'X',
               lambda t: t.replace('.', ' .', 1),
               lambda t: t + '$',
               lambda t: t.split('.')[0],
           ]))
    def test_damaged_strings_are_event_type_errors(self, words, damage):
        self.assertRaises(errors.EventTypeError, eventtype.EventType.parse,
                          damage('.'.join(words)))
