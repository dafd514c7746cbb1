"""Periodic trove.instance.exists and trove.quota notifications."""

import datetime

import testtools

from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.catalogs import trove
from tidings.catalogs.trove import events
from tidings.catalogs.trove import periodic
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors

START = datetime.datetime(2026, 11, 1, 0, 0, 0)
END = datetime.datetime(2026, 11, 1, 1, 0, 0)


def _instance(instance_id):
    values = {name: events.SAMPLE_VALUES[name]
              for name in trove.EVENTS['trove.instance.exists'].payload.fields
              if not name.startswith('audit_period')}
    values['instance_id'] = instance_id
    return values


def _quota(resource, in_use):
    return {'tenant_id': 'tenant-1', 'resource': resource, 'in_use': in_use,
            'reserved': 0, 'limit': 10}


class PeriodicTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = tidings_conf.new_conf()
        self.backend = memory.MemoryBackend()
        self.notifier = notifier_mod.Notifier(
            self.conf, registries=[trove.EVENTS], backends=[self.backend])

    def set_intervals(self, exists=-1, quota=-1):
        self.conf.set_override('exists_notification_interval', exists,
                               'trove')
        self.conf.set_override('quota_notification_interval', quota,
                               'trove')
        self.addCleanup(self.conf.clear_override,
                        'exists_notification_interval', 'trove')
        self.addCleanup(self.conf.clear_override,
                        'quota_notification_interval', 'trove')


class TestOptions(PeriodicTestCase):

    def test_both_notifications_are_disabled_by_default(self):
        self.assertEqual(-1, self.conf.trove.exists_notification_interval)
        self.assertEqual(-1, self.conf.trove.quota_notification_interval)

    def test_disabled_task_does_not_start(self):
        task = periodic.exists_task(self.notifier, self.conf, lambda s, e: [])
        self.assertFalse(task.enabled)
        self.assertFalse(task.start())

    def test_zero_interval_is_refused_at_startup(self):
        self.set_intervals(quota=0)
        error = self.assertRaises(errors.ConfigError, tidings_conf.validate,
                                  self.conf)
        self.assertIn('[trove] quota_notification_interval = 0',
                      str(error))

    def test_options_are_listed_for_the_config_generator(self):
        # the catalog's own namespace, found through its entry point
        import importlib.metadata
        (entry,) = [ep for ep in importlib.metadata.entry_points(
            group='oslo.config.opts') if ep.name == 'tidings.trove']
        groups = {getattr(g, 'name', g): [o.name for o in opts]
                  for g, opts in entry.load()()}
        self.assertEqual({'trove': ['exists_notification_interval',
                                    'quota_notification_interval']},
                         groups)

    def test_core_namespace_knows_no_catalog(self):
        core = {getattr(g, 'name', g) for g, _ in tidings_conf.list_opts()}
        every = {getattr(g, 'name', g) for g, _ in tidings_conf.all_opts()}
        self.assertNotIn('trove', core)
        self.assertNotIn('magnetodb', core)
        self.assertEqual({'trove', 'magnetodb'}, every - core)

    def test_tasks_register_the_options_themselves(self):
        from oslo_config import cfg
        conf = cfg.ConfigOpts()
        conf([], project='tidings', default_config_files=[],
             default_config_dirs=[])
        task = periodic.quota_task(self.notifier, conf, lambda s, e: [])
        self.assertFalse(task.enabled)
        self.assertEqual(-1, conf.trove.quota_notification_interval)


class TestExists(PeriodicTestCase):

    def test_run_once_emits_one_exists_per_active_instance(self):
        self.set_intervals(exists=3600)
        task = periodic.exists_task(
            self.notifier, self.conf,
            lambda start, end: [_instance('i-1'), _instance('i-2')])
        self.assertEqual(2, task.run_once(START, END))
        sent = self.backend.by_event_type('trove.instance.exists')
        self.assertEqual(['i-1', 'i-2'], [
            m['payload']['trove_object.data']['instance_id'] for m in sent])

    def test_audit_period_comes_from_the_period(self):
        self.set_intervals(exists=3600)
        task = periodic.exists_task(self.notifier, self.conf,
                                    lambda start, end: [_instance('i-1')])
        task.run_once(START, END)
        [wire] = self.backend.by_event_type('trove.instance.exists')
        data = wire['payload']['trove_object.data']
        self.assertEqual('2026-11-01T00:00:00Z',
                         data['audit_period_beginning'])
        self.assertEqual('2026-11-01T01:00:00Z', data['audit_period_ending'])

    def test_short_interval_emits_on_its_own(self):
        self.set_intervals(exists=1)
        task = periodic.exists_task(self.notifier, self.conf,
                                    lambda start, end: [_instance('i-1')])
        self.assertTrue(task.start())
        self.addCleanup(task.stop)
        sent = self.backend.wait_for('trove.instance.exists', timeout=10)
        self.assertEqual(1, len(sent))


class TestQuota(PeriodicTestCase):

    def test_run_once_emits_one_quota_per_resource(self):
        self.set_intervals(quota=600)
        task = periodic.quota_task(
            self.notifier, self.conf,
            lambda start, end: [_quota('instances', 3),
                                _quota('backups', 1)])
        self.assertEqual(2, task.run_once(START, END))
        sent = self.backend.by_event_type('trove.quota')
        self.assertEqual([('instances', 3), ('backups', 1)], [
            (m['payload']['trove_object.data']['resource'],
             m['payload']['trove_object.data']['in_use']) for m in sent])

    def test_quota_task_uses_its_own_interval(self):
        self.set_intervals(exists=-1, quota=600)
        task = periodic.quota_task(self.notifier, self.conf,
                                   lambda start, end: [])
        self.assertEqual(600, task.interval)
        self.assertTrue(task.enabled)
