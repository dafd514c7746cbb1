"""The caller-side serialisation shortcuts give exactly oslo's results."""

import datetime
import zoneinfo

from oslo_versionedobjects import _utils as ovo_utils
import testtools

from tests.unit import catalog
from tidings import catalogs
from tidings import samples
from tidings.notifications import notification as notification_mod
from tidings.notifications import publisher
from tidings.objects import base
from tidings.objects import fields


def every_sample_payload():
    """A filled payload for each event of every bundled catalog."""
    for registry in catalogs.load_all():
        for _definition, sampled in samples.sampled_definitions(registry):
            if sampled.sample is not None:
                yield sampled, sampled.sample()


def reference_primitive(obj):
    """obj_to_primitive through the reference loop, recursively."""
    data = base.TidingsObject._primitive_data(obj)
    for name, value in list(data.items()):
        if isinstance(value, dict) and any(
                k.endswith('_object.data') for k in value):
            data[name] = reference_primitive(getattr(obj, name))
    ns = obj.OBJ_SERIAL_NAMESPACE
    return {ns + '.name': obj.obj_name(),
            ns + '.namespace': obj.OBJ_PROJECT_NAMESPACE,
            ns + '.version': obj.VERSION, ns + '.data': data}


class TestGeneratedPrimitiveData(testtools.TestCase):

    def test_every_bundled_payload_serialises_as_the_reference_loop(self):
        checked = 0
        for sampled, payload in every_sample_payload():
            self.assertEqual(reference_primitive(payload),
                             payload.obj_to_primitive(), sampled.name)
            checked += 1
        self.assertGreater(checked, 200)

    def test_unset_and_none_fields_as_the_reference_loop(self):
        payload = catalog.TablePayload(table_name='t', comment=None)
        data = payload.obj_to_primitive()['unitcat_object.data']
        self.assertEqual({'table_name': 't', 'comment': None}, data)
        self.assertEqual(base.TidingsObject._primitive_data(payload), data)

    def test_each_registered_class_gets_its_own_function(self):
        self.assertIsNot(catalog.TablePayload._primitive_data,
                         base.TidingsObject._primitive_data)
        self.assertIn('TablePayload',
                      catalog.TablePayload._primitive.__code__.co_filename)


class TestDateTimePrimitive(testtools.TestCase):

    field = fields.DateTime()

    def written(self, value):
        return self.field.to_primitive(
            None, 'at', self.field.coerce(None, 'at', value))

    def test_utc_value_is_written_as_oslo_isotime_writes_it(self):
        value = datetime.datetime(2026, 11, 1, 12, 5, 9, 123456,
                                  tzinfo=datetime.timezone.utc)
        self.assertEqual(ovo_utils.isotime(value), self.written(value))
        self.assertEqual('2026-11-01T12:05:09Z', self.written(value))

    def test_naive_value_is_taken_as_utc(self):
        self.assertEqual('2026-11-01T12:00:00Z',
                         self.written(datetime.datetime(2026, 11, 1, 12)))

    def test_offset_is_converted_to_utc(self):
        plus2 = datetime.timezone(datetime.timedelta(hours=2))
        self.assertEqual('2025-12-31T22:00:00Z', self.written(
            datetime.datetime(2026, 1, 1, tzinfo=plus2)))

    def test_zero_offset_zone_named_otherwise_is_written_with_z(self):
        # oslo would write 2026-01-01T00:00:00GMT
        london = zoneinfo.ZoneInfo('Europe/London')
        self.assertEqual('2026-01-01T00:00:00Z', self.written(
            datetime.datetime(2026, 1, 1, tzinfo=london)))

    def test_years_before_1000_are_written_by_oslo(self):
        value = datetime.datetime(999, 1, 2, tzinfo=datetime.timezone.utc)
        self.assertEqual(ovo_utils.isotime(value), self.written(value))

    def test_text_input_round_trips(self):
        self.assertEqual('2026-11-01T12:00:00Z',
                         self.written('2026-11-01T12:00:00Z'))


class TestNotificationPreparedOnTheCallersThread(testtools.TestCase):

    def notification(self, payload):
        return notification_mod.Notification(
            catalog.TABLE_CREATE_START, payload,
            publisher.Publisher('api', 'node-1'))

    def test_prepare_snapshots_the_payload(self):
        payload = catalog.table_payload()
        note = self.notification(payload).prepare()
        payload.rows = 99
        self.assertNotEqual(
            99, note.to_wire()['payload']['unitcat_object.data']['rows'])

    def test_timestamp_is_formatted_from_created_on_first_use(self):
        note = self.notification(catalog.table_payload())
        self.assertIsNone(note._timestamp)
        self.assertEqual(notification_mod.format_timestamp(note.created),
                         note.to_wire()['timestamp'])
        self.assertIs(note.timestamp, note.to_wire()['timestamp'])
