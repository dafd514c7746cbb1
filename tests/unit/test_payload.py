"""Payload: declarative SCHEMA, completeness, ExceptionPayload."""

import sys

import testtools

from tests.unit import catalog
from tidings.notifications import payload as payload_mod
from tidings.objects import errors


class Table:
    name = 'orders'
    rows = 7


class TestPopulateSchema(testtools.TestCase):

    def test_fills_fields_from_object_attributes_and_dict_keys(self):
        payload = catalog.TablePayload()
        payload.populate_schema(table=Table(), context={'tenant': 't-9'})
        self.assertEqual(('orders', 7, 't-9'), (
            payload.table_name, payload.rows, payload.tenant_id))

    def test_returns_the_payload(self):
        payload = catalog.TablePayload()
        self.assertIs(payload, payload.populate_schema(
            table=Table(), context={'tenant': 't'}))

    def test_from_sources_builds_in_one_call(self):
        payload = catalog.TablePayload.from_sources(
            table=Table(), context={'tenant': 't'})
        self.assertEqual('orders', payload.table_name)

    def test_schema_fields_are_coerced(self):
        table = Table()
        table.rows = '8'
        payload = catalog.TablePayload.from_sources(
            table=table, context={'tenant': 't'})
        self.assertEqual(8, payload.rows)

    def test_missing_source_names_payload_field_source_and_attribute(self):
        exc = self.assertRaises(errors.SchemaSourceError,
                                catalog.TablePayload.from_sources,
                                table=Table())
        self.assertEqual(('TablePayload', 'tenant_id', 'context', 'tenant'),
                         (exc.payload, exc.field, exc.source, exc.attribute))
        self.assertIn("source 'context' was not given", str(exc))
        self.assertIn('sources given: table', str(exc))

    def test_missing_attribute_names_payload_field_source_and_attribute(
            self):
        exc = self.assertRaises(errors.SchemaSourceError,
                                catalog.TablePayload.from_sources,
                                table=object(), context={'tenant': 't'})
        self.assertEqual(('TablePayload', 'table_name', 'table', 'name'),
                         (exc.payload, exc.field, exc.source, exc.attribute))
        self.assertIn("object has no attribute 'name'", str(exc))

    def test_missing_dict_key_is_a_missing_attribute(self):
        exc = self.assertRaises(errors.SchemaSourceError,
                                catalog.TablePayload.from_sources,
                                table=Table(), context={})
        self.assertIn("dict has no attribute 'tenant'", str(exc))

    def test_bad_source_value_is_a_field_value_error(self):
        table = Table()
        table.rows = 'many'
        exc = self.assertRaises(errors.FieldValueError,
                                catalog.TablePayload.from_sources,
                                table=table, context={'tenant': 't'})
        self.assertEqual('rows', exc.field)


class TestCheckComplete(testtools.TestCase):

    def test_complete_payload_passes(self):
        self.assertIsNone(catalog.table_payload().check_complete())

    def test_missing_required_fields_are_listed(self):
        exc = self.assertRaises(errors.MissingFieldError,
                                catalog.TablePayload(rows=1).check_complete)
        self.assertEqual(['table_name', 'tenant_id'], sorted(exc.fields))
        self.assertIn('TablePayload', str(exc))

    def test_nullable_fields_may_stay_unset(self):
        self.assertEqual([], catalog.table_payload().missing_fields())

    def test_incomplete_nested_payload_is_reported(self):
        payload = catalog.table_payload(disk=catalog.DiskPayload(name='a'))
        exc = self.assertRaises(errors.MissingFieldError,
                                payload.check_complete)
        self.assertEqual('DiskPayload', exc.payload)
        self.assertEqual(['size_gb'], exc.fields)


def _raise_value_error():
    raise ValueError('bad size')


def _fault(**options):
    """The ExceptionPayload of _raise_value_error's error, made in the
    except block that caught it."""
    try:
        _raise_value_error()
    except ValueError as exc:
        return catalog.ExceptionPayload.from_exception(exc, **options)


class TestExceptionPayload(testtools.TestCase):

    def test_inside_except_block_names_the_raising_frame(self):
        payload = _fault()
        self.assertEqual(__name__, payload.module_name)
        self.assertEqual('_raise_value_error', payload.function_name)
        self.assertEqual('ValueError', payload.exception)
        self.assertEqual('bad size', payload.exception_message)

    def test_outside_except_block_uses_the_saved_traceback(self):
        try:
            _raise_value_error()
        except ValueError as exc:
            saved = exc
        self.assertIsNone(sys.exc_info()[0])
        payload = catalog.ExceptionPayload.from_exception(saved)
        self.assertEqual('_raise_value_error', payload.function_name)

    def test_never_raised_exception_uses_its_class(self):
        payload = catalog.ExceptionPayload.from_exception(
            KeyError('missing'))
        self.assertEqual('builtins', payload.module_name)
        self.assertEqual('<not raised>', payload.function_name)
        self.assertEqual('KeyError', payload.exception)

    def test_traceback_left_out_by_default(self):
        payload = _fault()
        self.assertFalse(payload.obj_attr_is_set('traceback'))
        self.assertNotIn('traceback', payload.obj_to_primitive()[
            'unitcat_object.data'])

    def test_traceback_included_when_asked(self):
        payload = _fault(include_traceback=True)
        self.assertIn('Traceback (most recent call last)',
                      payload.traceback)
        self.assertIn('_raise_value_error', payload.traceback)

    def test_subclass_serialises_in_its_namespace(self):
        payload = catalog.ExceptionPayload.from_exception(KeyError('k'))
        self.assertIn('unitcat_object.name', payload.obj_to_primitive())

    def test_base_class_lives_in_the_tidings_namespace(self):
        self.assertIs(payload_mod.ExceptionPayload,
                      payload_mod.OBJECTS.get('ExceptionPayload'))
