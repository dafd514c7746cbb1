"""Catalog lint (``tidings.notifications.lint``, ``tidings catalog
check``): one small catalog per finding."""

import json
import os

import testtools

from tests.unit import badinput
from tests.unit import lint_catalog as lc
from tidings import catalogs
from tidings.notifications import lint
from tidings.notifications import registry
from tidings.objects import errors

MODULE = 'tests.unit.lint_catalog'
DOC = os.path.join(os.path.dirname(__file__), '..', '..', 'doc', 'source',
                   'developer', 'catalog-check.rst')


def _events():
    return registry.EventRegistry('linttest', objects=lc.OBJECTS)


def _define(events, name, event_type, level='info', payload=lc.JobPayload,
            **options):
    options.setdefault('sample', lc.sample_job)
    options.setdefault('description', 'An event.')
    return events.define(name, event_type, level, payload, **options)


def _codes(events):
    return [f.code for f in lint.check(events)]


def _only(events, code):
    found = [f for f in lint.check(events) if f.code == code]
    if len(found) != 1:
        raise AssertionError('expected one %s finding, got %r' % (
            code, lint.check(events)))
    return found[0]


class TestErrorEventCarriesTheException(testtools.TestCase):

    def test_a_lifecycle_with_a_nullable_fault_has_no_finding(self):
        events = _events()
        lc.job_lifecycle(events)
        self.assertEqual([], lint.check(events))

    def test_an_error_payload_without_exception_field_is_TID001_error(self):
        events = _events()
        lc.job_lifecycle(events, error_payload=lc.PlainPayload)
        found = _only(events, 'TID001')
        self.assertEqual(('error', 'EVENT_JOB_RUN_ERROR', 'job.run.error'),
                         (found.severity, found.subject, found.where))
        self.assertIn('PlainPayload 1.0 has no field holding an '
                      'ExceptionPayload', found.problem)
        self.assertIn('nullable ObjectField', found.advice)

    def test_an_exception_payload_as_error_payload_is_accepted(self):
        events = _events()
        lc.job_lifecycle(events, error_payload=lc.ExceptionPayload)
        self.assertEqual([], _codes(events))

    def test_a_non_nullable_fault_shared_with_start_and_end_is_TID002(self):
        events = _events()
        for phase in ('start', 'end', 'error'):
            _define(events, 'EVENT_JOB_RUN_%s' % phase.upper(),
                    'job.run.%s' % phase,
                    'error' if phase == 'error' else 'info',
                    lc.StrictFaultPayload)
        found = _only(events, 'TID002')
        self.assertEqual('error', found.severity)
        self.assertIn('StrictFaultPayload.fault is not nullable, but .start '
                      'and .end send the same payload', found.problem)

    def test_a_non_nullable_fault_in_an_error_only_payload_is_not_TID002(
            self):
        events = _events()
        lc.job_lifecycle(events, error_payload=lc.StrictFaultPayload)
        self.assertNotIn('TID002', _codes(events))

    def test_an_error_payload_other_than_the_start_payload_is_TID003_info(
            self):
        events = _events()
        lc.job_lifecycle(events, error_payload=lc.StrictFaultPayload)
        found = _only(events, 'TID003')
        self.assertEqual('info', found.severity)
        self.assertIn('not the .start payload JobPayload', found.problem)
        self.assertIn('error_payload=', found.advice)


class TestLifecycles(testtools.TestCase):

    def assertOnlyFinding(self, phase, code, severity):
        """job.run.<phase> beside job.run.error gives one finding: ``code``
        at ``severity``, about the <phase> event."""
        name = 'EVENT_JOB_RUN_' + phase.upper()
        events = _events()
        _define(events, name, 'job.run.' + phase)
        _define(events, 'EVENT_JOB_RUN_ERROR', 'job.run.error', 'error')
        found = _only(events, code)
        self.assertEqual((severity, name), (found.severity, found.subject))
        self.assertEqual([code], _codes(events))

    def test_start_without_end_is_TID010_error(self):
        self.assertOnlyFinding('start', 'TID010', 'error')

    def test_a_lifecycle_without_error_is_TID011_warning(self):
        found = _only(lc.WARNS, 'TID011')
        self.assertEqual(('warning', 'EVENT_JOB_RUN_START'),
                         (found.severity, found.subject))
        self.assertIn('no job.run.error: a failed job.run is silent',
                      found.problem)

    def test_end_without_start_is_TID012_warning(self):
        self.assertOnlyFinding('end', 'TID012', 'warning')

    def test_a_lone_error_event_is_TID013_info(self):
        events = _events()
        _define(events, 'EVENT_JOB_PATH_ERROR', 'job.path.error', 'error')
        self.assertEqual('info', _only(events, 'TID013').severity)

    def test_an_error_beside_its_phaseless_event_is_no_lifecycle_finding(
            self):
        events = _events()
        _define(events, 'EVENT_REQ_GET', 'req.get')
        _define(events, 'EVENT_REQ_GET_ERROR', 'req.get.error', 'error',
                status_variants=True)
        self.assertEqual([], _codes(events))

    def test_a_removed_phase_counts_as_missing(self):
        events = _events()
        lc.job_lifecycle(events)
        removed = _events()
        for definition in events:
            _define(removed, definition.name, definition.event_type_str,
                    definition.level, definition.payload,
                    removed='2.0' if definition.name.endswith('END')
                    else None)
        self.assertEqual(['TID010'], _codes(removed))


class TestEventChecks(testtools.TestCase):

    def test_an_event_without_sample_input_is_TID020_error(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', sample=None)
        found = _only(events, 'TID020')
        self.assertEqual('error', found.severity)
        self.assertIn('sample=', found.advice)

    def test_a_removed_event_is_not_checked(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', 'debug', sample=None,
                description=None, mechanisms=[], removed='2.0')
        self.assertEqual([], lint.check(events))

    def test_levels_ceilometer_drops_are_TID040_info(self):
        for level in ('debug', 'audit', 'warn', 'critical', 'sample'):
            events = _events()
            _define(events, 'EVENT_JOB_LIST', 'job.list', level)
            found = _only(events, 'TID040')
            self.assertEqual('info', found.severity)
            self.assertIn('level %s' % level, found.problem)

    def test_info_and_error_levels_reach_ceilometer(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', 'info')
        _define(events, 'EVENT_JOB_PATH_ERROR', 'job.path.error', 'error')
        self.assertNotIn('TID040', _codes(events))

    def test_an_error_event_below_warn_is_TID041_warning(self):
        events = _events()
        _define(events, 'EVENT_JOB_PATH_ERROR', 'job.path.error', 'info')
        self.assertEqual('warning', _only(events, 'TID041').severity)

    def test_statsd_without_metric_is_TID050_warning(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list',
                mechanisms=['messaging', 'statsd'])
        found = _only(events, 'TID050')
        self.assertEqual('warning', found.severity)
        self.assertIn('statsd backend sends nothing', found.problem)

    def test_metrics_without_statsd_are_TID051_warning(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', metrics=['job.list'])
        found = _only(events, 'TID051')
        self.assertIn('metrics job.list are never sent', found.problem)

    def test_no_mechanism_without_removed_is_TID052_warning(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', mechanisms=[])
        self.assertEqual('warning', _only(events, 'TID052').severity)

    def test_an_event_without_description_is_TID060_info(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list', description=None)
        self.assertEqual('info', _only(events, 'TID060').severity)


class TestFieldDescriptions(testtools.TestCase):

    def test_undescribed_fields_are_one_TID030_info_per_payload(self):
        events = _events()
        _define(events, 'EVENT_JOB_LIST', 'job.list',
                payload=lc.UndescribedPayload)
        found = _only(events, 'TID030')
        self.assertEqual(('info', 'UndescribedPayload',
                          'payload lintundoc.UndescribedPayload 1.0'),
                         (found.severity, found.subject, found.where))
        # name is described by where SCHEMA takes it from
        self.assertIn('2 of 3 field(s) with no description: owner, size',
                      found.problem)

    def test_exception_payload_fields_are_described_by_tidings(self):
        self.assertTrue(all(lint.described(lc.ExceptionPayload, name)
                            for name in lc.ExceptionPayload.fields))

    def test_a_payload_waives_TID030_with_LINT_IGNORE(self):
        class Waived(lc.UndescribedPayload):
            LINT_IGNORE = {'TID030': 'generated from the spec traits'}
        events = registry.EventRegistry('linttest')
        _define(events, 'EVENT_JOB_LIST', 'job.list', payload=Waived)
        found = _only(events, 'TID030')
        self.assertEqual(('info', 'generated from the spec traits'),
                         (found.severity, found.waived))


class TestWaivers(testtools.TestCase):

    def test_a_waived_finding_is_info_and_shows_its_reason(self):
        events = _events()
        lc.job_lifecycle(events, error_payload=lc.PlainPayload,
                         lint_ignore={'TID001': 'text traits carry it',
                                      'TID003': 'own helper'})
        found = _only(events, 'TID001')
        self.assertEqual(('info', 'error'), (found.severity,
                                             found.check_severity))
        self.assertEqual([], lint.failing(lint.check(events), strict=True))
        self.assertEqual(
            'linttest EVENT_JOB_RUN_ERROR (job.run.error): TID001 waived '
            'error: payload PlainPayload 1.0 has no field holding an '
            'ExceptionPayload, so the notification says nothing of the '
            'exception (the lifecycle helpers send the payload as it is); '
            'waived: text traits carry it', str(found))

    def test_a_lifecycle_finding_is_waived_by_any_of_its_phases(self):
        events = _events()
        _define(events, 'EVENT_JOB_RUN_START', 'job.run.start',
                lint_ignore={'TID011': 'failures are job.run.end with '
                                       'status failed'})
        _define(events, 'EVENT_JOB_RUN_END', 'job.run.end')
        self.assertEqual('failures are job.run.end with status failed',
                         _only(events, 'TID011').waived)

    def test_status_variants_keep_the_waivers(self):
        events = _events()
        found = _define(events, 'EVENT_REQ_GET_ERROR', 'req.get.error',
                        'error', status_variants=True,
                        lint_ignore={'TID013': 'request errors'})
        self.assertEqual({'TID013': 'request errors'},
                         found.variant(404).lint_ignore)

    def test_lint_ignore_needs_a_reason_per_code(self):
        for bad in (('TID001',), {'TID001': ''}, {'TID1': 'why'},
                    {'TID001': None}, 'TID001'):
            exc = self.assertRaises(
                errors.EventDefinitionError, _define, _events(),
                'EVENT_JOB_LIST', 'job.list', lint_ignore=bad)
            self.assertIn('lint_ignore %r: expected a dict of finding code '
                          'to reason' % (bad,), str(exc))


class TestCatalogCheckCommand(badinput.BadInputCase):

    def test_a_clean_catalog_exits_0(self):
        code, out, err = self.run_tidings(
            'catalog', 'check', '--catalog', MODULE + ':CLEAN')
        self.assertEqual((0, ''), (code, out))
        self.assertIn('1 catalog(s) checked (lintclean): 0 error(s), '
                      '0 warning(s), 0 info (0 waived)', err)

    def test_an_error_exits_1_with_one_line_per_finding(self):
        code, out, err = self.run_tidings(
            'catalog', 'check', '--catalog', MODULE + ':BROKEN')
        self.assertEqual(1, code)
        self.assertIn('lintbroken EVENT_JOB_RUN_ERROR (job.run.error): '
                      'TID001 error: payload PlainPayload', out)
        self.assertEqual(2, len(out.splitlines()))  # TID001 and TID003
        self.assertIn('1 error(s)', err)

    def test_warnings_exit_0_and_1_with_strict(self):
        code, out, _ = self.run_tidings(
            'catalog', 'check', '--catalog', MODULE + ':WARNS')
        self.assertEqual(0, code)
        self.assertIn('TID011 warning', out)
        code, _, err = self.run_tidings(
            'catalog', 'check', '--strict', '--catalog', MODULE + ':WARNS')
        self.assertEqual(1, code)
        self.assertIn('failing (--strict)', err)

    def test_show_hides_less_severe_findings(self):
        _, out, _ = self.run_tidings(
            'catalog', 'check', '--show', 'error',
            '--catalog', MODULE + ':BROKEN')
        self.assertNotIn('TID003', out)
        self.assertIn('TID001', out)

    def test_json_lists_findings_and_counts(self):
        code, out, _ = self.run_tidings(
            'catalog', 'check', '-f', 'json', '--catalog',
            MODULE + ':BROKEN', '--catalog', MODULE + ':WARNS')
        self.assertEqual(1, code)
        doc = json.loads(out)
        self.assertEqual(['lintbroken', 'lintwarns'], doc['catalogs'])
        self.assertEqual({'error': 1, 'warning': 1, 'info': 1,
                          'waived': 0}, doc['counts'])
        first = doc['findings'][0]
        self.assertEqual(
            {'catalog': 'lintbroken', 'subject': 'EVENT_JOB_RUN_ERROR',
             'where': 'job.run.error', 'code': 'TID001',
             'severity': 'error', 'check_severity': 'error',
             'waived': None},
            {k: first[k] for k in ('catalog', 'subject', 'where', 'code',
                                   'severity', 'check_severity',
                                   'waived')})

    def test_an_unknown_catalog_exits_2_listing_the_installed(self):
        self.assertCliRefuses(['catalog', 'check', '--catalog', 'nope'], [
            "tidings catalog: error: unknown catalog 'nope'",
            'installed catalogs: demo, magnetodb'])

    def test_an_unknown_registry_attribute_exits_2(self):
        self.assertCliRefuses(
            ['catalog', 'check', '--catalog', MODULE + ':NOPE'],
            ['module %s has no attribute NOPE' % MODULE, 'BROKEN, CLEAN'])

    def test_an_unknown_option_value_exits_2(self):
        code, _, err = self.run_tidings('catalog', 'check', '-f', 'yaml')
        self.assertEqual(2, code)
        self.assertIn("invalid choice: 'yaml'", err)


class TestBundledCatalogs(badinput.BadInputCase):

    def test_bundled_catalogs_have_no_error_or_warning(self):
        findings = lint.check_all(catalogs.load_all())
        self.assertEqual([], [str(f) for f in lint.failing(findings,
                                                           strict=True)])

    def test_catalog_check_strict_passes_on_every_installed_catalog(self):
        code, _, err = self.run_tidings('catalog', 'check', '--strict',
                                        '--show', 'warning')
        self.assertEqual(0, code, err)

    def test_every_waiver_in_a_bundled_catalog_has_a_known_code(self):
        for registry_ in catalogs.load_all():
            for definition in registry_:
                self.assertLessEqual(set(definition.lint_ignore),
                                     set(lint.CHECKS), definition.name)


class TestDocumentation(testtools.TestCase):

    def test_every_check_is_documented_with_its_severity(self):
        with open(DOC, encoding='utf-8') as handle:
            text = handle.read()
        for code, (severity, _title) in lint.CHECKS.items():
            self.assertRegex(text, r'``%s``\s+%s\s' % (code, severity))
