"""Compatibility verdicts: one test per change kind, the verdict text and
the bump rules."""

import hypothesis
import testtools
from hypothesis import strategies as st

from tests.unit import fptest_payloads as fp
from tidings.objects import base
from tidings.objects import compat
from tidings.objects import fields
from tidings.objects import fingerprint


def _shape(field_map, **kwargs):
    return fingerprint.shape(fp.make_payload(field_map, **kwargs))


def _base_fields():
    return {
        'name': fields.StringField(),
        'state': fields.EnumField(['PENDING', 'ONGOING', 'DONE']),
        'note': fields.StringField(nullable=True),
        'count': fields.IntegerField(default=0),
    }


class ChangeKindTestCase(testtools.TestCase):

    def change(self, new_fields=None, old_fields=None, **kwargs):
        """The single change from the base shape to ``new_fields``."""
        old = _shape(old_fields or _base_fields())
        new = _shape(new_fields or _base_fields(), **kwargs)
        changes = compat.compare(old, new)
        self.assertEqual(1, len(changes), changes)
        return changes[0]

    def with_fields(self, **overrides):
        out = _base_fields()
        out.update(overrides)
        return out


class TestChangeKinds(ChangeKindTestCase):

    def assertChange(self, breaking, summary, new=None, **changed):
        """The fields changed so (or the field map ``new``) are one
        change, ``breaking`` or not, summed up as ``summary``; the
        change."""
        change = self.change(new if new is not None
                             else self.with_fields(**changed))
        self.assertEqual((breaking, summary),
                         (change.breaking, change.summary))
        return change

    def test_added_nullable_field_is_compatible(self):
        change = self.assertChange(False, 'added optional field `x`',
                                   x=fields.StringField(nullable=True))
        self.assertEqual(('x', 'added'), (change.field, change.kind))

    def test_added_required_field_is_compatible(self):
        self.assertChange(False, 'added field `x`',
                          x=fields.StringField())

    def test_removed_field_is_breaking(self):
        new = _base_fields()
        del new['note']
        change = self.assertChange(True, 'removed field `note`', new)
        self.assertEqual(('note', 'removed'), (change.field, change.kind))

    def test_type_change_is_breaking(self):
        self.assertChange(True, 'changed type of `name` (String to UUID)',
                          name=fields.UUIDField())

    def test_string_made_sensitive_is_a_breaking_type_change(self):
        change = self.change(self.with_fields(
            name=fields.SensitiveStringField()))
        self.assertEqual('type', change.kind)
        self.assertTrue(change.breaking)

    def test_enum_widened_is_compatible(self):
        self.assertChange(
            False, 'widened enum of `state` (added `FAILED`)',
            state=fields.EnumField(['PENDING', 'ONGOING', 'DONE', 'FAILED']))

    def test_enum_narrowed_is_breaking(self):
        self.assertChange(
            True, 'narrowed enum of `state` (removed `ONGOING`)',
            state=fields.EnumField(['PENDING', 'DONE']))

    def test_enum_reordered_with_a_removal_is_breaking(self):
        change = self.change(self.with_fields(state=fields.EnumField(
            ['DONE', 'PENDING', 'FAILED'])))
        self.assertTrue(change.breaking)
        self.assertIn('removed `ONGOING`; added `FAILED`', change.summary)

    def test_enum_reordered_without_removal_is_compatible(self):
        self.assertChange(
            False, 'reordered enum values of `state`',
            state=fields.EnumField(['DONE', 'ONGOING', 'PENDING']))

    def test_nullable_to_non_nullable_is_compatible(self):
        self.assertChange(False, 'made `note` non-nullable',
                          note=fields.StringField())

    def test_non_nullable_to_nullable_is_breaking(self):
        self.assertChange(True, 'made `name` nullable',
                          name=fields.StringField(nullable=True))

    def test_default_changed_is_compatible(self):
        self.assertChange(False, 'changed default of `count` (0 to 5)',
                          count=fields.IntegerField(default=5))

    def test_default_added_is_compatible(self):
        change = self.change(self.with_fields(
            name=fields.StringField(default='x')))
        self.assertEqual(('default', False), (change.kind, change.breaking))

    def test_schema_changed_is_compatible(self):
        change = self.change(schema={'name': ('source', 'title')})
        self.assertEqual(('name', 'schema', False),
                         (change.field, change.kind, change.breaking))
        self.assertEqual('changed SCHEMA of `name` (none to source.title)',
                         change.summary)

    def test_list_element_type_change_is_breaking_under_field_brackets(self):
        change = self.change(
            self.with_fields(tags=fields.ListOfIntegersField()),
            self.with_fields(tags=fields.ListOfStringsField()))
        self.assertEqual('tags[]', change.field)
        self.assertTrue(change.breaking)

    def test_namespace_change_is_breaking(self):
        change = self.change(namespace='elsewhere')
        self.assertEqual((None, 'namespace', True),
                         (change.field, change.kind, change.breaking))


class TestNestedChanges(testtools.TestCase):

    def _outer(self, inner_name='Inner', inner_version='1.0'):
        registry = base.ObjectRegistry('fptest')
        fp.make_payload({'serial': fields.StringField()}, name=inner_name,
                        version=inner_version, registry=registry)
        return fingerprint.shape(fp.make_payload(
            {'inner': fields.ObjectField(inner_name)}, name='Outer',
            registry=registry))

    def _only(self, old, new):
        changes = compat.compare(old, new)
        self.assertEqual(1, len(changes), changes)
        return changes[0]

    def test_nested_newer_minor_version_is_compatible(self):
        change = self._only(self._outer(inner_version='1.0'),
                            self._outer(inner_version='1.1'))
        self.assertEqual(('inner', 'nested', False),
                         (change.field, change.kind, change.breaking))
        self.assertEqual('nested Inner of `inner` went from 1.0 to 1.1',
                         change.summary)

    def test_nested_major_bump_is_breaking(self):
        change = self._only(self._outer(inner_version='1.3'),
                            self._outer(inner_version='2.0'))
        self.assertTrue(change.breaking)

    def test_nested_downgrade_is_breaking(self):
        change = self._only(self._outer(inner_version='1.3'),
                            self._outer(inner_version='1.2'))
        self.assertTrue(change.breaking)

    def test_nested_payload_of_another_name_is_breaking(self):
        change = self._only(self._outer('Inner'), self._outer('Other'))
        self.assertTrue(change.breaking)
        self.assertIn('from fptest.Inner to fptest.Other', change.summary)


class TestVerdict(testtools.TestCase):

    def test_compatible_verdict_text_names_the_minor_bump(self):
        old = _shape(_base_fields())
        new = _shape(dict(_base_fields(), x=fields.StringField(
            nullable=True)))
        self.assertEqual(
            'compatible — added optional field `x`: bump minor to 1.3',
            str(compat.verdict(old, new, '1.2')))

    def test_breaking_verdict_text_lists_the_breaking_changes(self):
        new = _base_fields()
        del new['note']
        new['name'] = fields.IntegerField()
        new['x'] = fields.StringField(nullable=True)
        verdict = compat.verdict(_shape(_base_fields()), _shape(new), '1.2')
        self.assertEqual(
            'breaking — changed type of `name` (String to Integer); removed '
            'field `note`: bump major to 2.0', str(verdict))
        self.assertEqual(3, len(verdict.changes))

    def test_unchanged_shapes_need_no_bump(self):
        verdict = compat.verdict(_shape(_base_fields()),
                                 _shape(_base_fields()), '1.2')
        self.assertEqual((compat.UNCHANGED, '1.2'),
                         (verdict.kind, verdict.required))

    def test_verdict_as_dict_carries_every_change(self):
        new = _base_fields()
        del new['note']
        found = compat.verdict(_shape(_base_fields()), _shape(new), '3.1')
        self.assertEqual(
            {'verdict': 'breaking', 'base_version': '3.1',
             'required_version': '4.0',
             'text': 'breaking — removed field `note`: bump major to 4.0',
             'changes': [{'field': 'note', 'kind': 'removed',
                          'summary': 'removed field `note`',
                          'verdict': 'breaking'}]},
            found.as_dict())


class TestBumpRules(testtools.TestCase):

    def test_compatible_change_bumps_the_minor_version(self):
        self.assertEqual('1.3', compat.required_version('1.2',
                                                        compat.COMPATIBLE))

    def test_breaking_change_bumps_the_major_and_resets_the_minor(self):
        self.assertEqual('2.0', compat.required_version('1.2',
                                                        compat.BREAKING))

    def test_minor_bump_counts_past_nine(self):
        self.assertEqual('1.10', compat.required_version('1.9',
                                                         compat.COMPATIBLE))


_MENU = {
    'text': fields.StringField(),
    'text_or_null': fields.StringField(nullable=True),
    'text_default': fields.StringField(default='x'),
    'number': fields.IntegerField(),
    'uuid': fields.UUIDField(),
    'secret': fields.SensitiveStringField(),
    'state_ab': fields.EnumField(['a', 'b']),
    'state_abc': fields.EnumField(['a', 'b', 'c']),
    'state_ba': fields.EnumField(['b', 'a']),
    'tags': fields.ListOfStringsField(),
    'numbers': fields.ListOfIntegersField(),
    'labels': fields.DictOfStringsField(),
}


class TestEveryShapeChangeIsReported(testtools.TestCase):
    """compare() reports a change exactly when the fingerprint changes."""

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(
        old=st.dictionaries(st.sampled_from(['f1', 'f2', 'f3']),
                            st.sampled_from(sorted(_MENU)), max_size=3),
        new=st.dictionaries(st.sampled_from(['f1', 'f2', 'f3']),
                            st.sampled_from(sorted(_MENU)), max_size=3))
    def test_changes_found_iff_hash_differs(self, old, new):
        before = _shape({k: _MENU[v] for k, v in old.items()})
        after = _shape({k: _MENU[v] for k, v in new.items()})
        changed = (fingerprint.shape_hash(before)
                   != fingerprint.shape_hash(after))
        self.assertEqual(changed, bool(compat.compare(before, after)))
