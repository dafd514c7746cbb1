"""Mechanisms: declared by the backend plugins, honoured by every backend.

The vocabulary an event definition may use is what the installed backends
declare; an event reaches a backend only when it asks for one of the
backend's mechanisms (memory and noop are the only taps).
"""

from unittest import mock

import testtools
from stevedore import extension

from tests.unit import catalog
from tidings import backends
from tidings import conf as tidings_conf
from tidings.backends import base
from tidings.backends import jsonfile
from tidings.backends import log as log_backend
from tidings.backends import memory
from tidings.backends import noop
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import registry
from tidings.objects import errors


class KafkaBackend(base.Backend):
    mechanisms = frozenset(['kafka'])


class SilentBackend(base.Backend):
    """Declares nothing: it would never receive an event."""


def installed(**plugins):
    """Pretend the installed backend plugins are ``plugins`` (name:
    class) for the duration of a test."""
    manager = extension.ExtensionManager.make_test_instance(
        [extension.Extension(name, None, cls, None)
         for name, cls in plugins.items()],
        namespace='tidings.backends')
    backends.vocabulary.cache_clear()
    patcher = mock.patch.object(backends.extension, 'ExtensionManager',
                                return_value=manager)
    return patcher


class TestVocabulary(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(backends.vocabulary.cache_clear)

    def test_bundled_backends_declare_the_four_mechanisms(self):
        backends.vocabulary.cache_clear()
        self.assertEqual({'database': ('database',),
                          'log': ('log',),
                          'messaging': ('jsonfile', 'messaging'),
                          'statsd': ('statsd',)},
                         backends.vocabulary())

    def test_taps_add_no_name(self):
        self.assertIsNone(memory.MemoryBackend.mechanisms)
        self.assertIsNone(noop.NoopBackend.mechanisms)

    def test_a_plugin_brings_its_mechanism(self):
        with installed(kafka=KafkaBackend, log=log_backend.LogBackend):
            self.assertEqual({'kafka': ('kafka',), 'log': ('log',)},
                             backends.vocabulary())
            events = registry.EventRegistry('kafkacat')
            definition = events.define(
                'EVENT_TYPE_THING_CREATE', 'kafkacat.thing.create', 'info',
                catalog.PingPayload, mechanisms=['kafka'])
        self.assertEqual(('kafka',), definition.mechanisms)
        self.assertTrue(KafkaBackend().accepts(definition))
        self.assertFalse(log_backend.LogBackend().accepts(definition))

    def test_a_mechanism_no_backend_serves_is_refused_where_written(self):
        events = registry.EventRegistry('typo')
        exc = self.assertRaises(
            errors.EventDefinitionError, events.define,
            'EVENT_TYPE_THING_CREATE', 'typo.thing.create', 'info',
            catalog.PingPayload, mechanisms=['messsaging'])
        message = str(exc)
        self.assertIn("'messsaging'", message)
        self.assertIn('EVENT_TYPE_THING_CREATE', message)
        self.assertIn('messaging (jsonfile, messaging)', message)
        self.assertIn('log (log)', message)

    def test_a_mechanism_gone_with_its_backend_is_refused(self):
        with installed(log=log_backend.LogBackend):
            events = registry.EventRegistry('gone')
            exc = self.assertRaises(
                errors.EventDefinitionError, events.define,
                'EVENT_TYPE_THING_CREATE', 'gone.thing.create', 'info',
                catalog.PingPayload, mechanisms=['statsd'])
        self.assertIn('served by no installed backend', str(exc))
        self.assertIn('log (log)', str(exc))

    def test_a_plugin_that_fails_to_load_is_logged_and_left_out(self):
        manager = extension.ExtensionManager.make_test_instance(
            [extension.Extension('log', None, log_backend.LogBackend, None)])

        def broken(namespace, invoke_on_load, on_load_failure_callback):
            entry_point = mock.Mock()
            entry_point.name = 'broken'
            on_load_failure_callback(None, entry_point,
                                     ImportError('no module named kafka'))
            return manager
        backends.vocabulary.cache_clear()
        with mock.patch.object(backends.extension, 'ExtensionManager',
                               side_effect=broken), \
                mock.patch.object(backends.LOG, 'warning') as warning:
            self.assertEqual({'log': ('log',)}, backends.vocabulary())
        self.assertIn('broken', warning.call_args[0])


class TestEveryBackendHonoursIt(testtools.TestCase):

    def test_each_bundled_backend_serves_its_own_mechanisms(self):
        served = {'log': log_backend.LogBackend,
                  'messaging': jsonfile.JsonFileBackend}
        for event in catalog.EVENTS:
            for mechanism, cls in served.items():
                self.assertEqual(mechanism in event.mechanisms,
                                 cls.accepts(cls, event), (cls, event))

    def test_notifier_hands_an_event_only_to_the_backends_it_asks_for(self):
        logged = log_backend.LogBackend()
        tap = memory.MemoryBackend()
        notifier = notifier_mod.Notifier(
            tidings_conf.new_conf(), registries=[catalog.EVENTS],
            source='api', host='node-1', backends=[logged, tap])
        self.addCleanup(notifier.close)
        notifier.notify(catalog.AUDIT, catalog.PingPayload(n=1))
        notifier.notify(catalog.TABLE_CREATE_START, catalog.table_payload())
        self.assertEqual(1, logged.stats()['sent'])
        self.assertEqual(2, len(tap.messages))

    def test_notifier_warns_at_startup_of_events_delivered_nowhere(self):
        with self.assertLogs(notifier_mod.LOG, 'WARNING') as logs:
            notifier = notifier_mod.Notifier(
                tidings_conf.new_conf(), registries=[catalog.EVENTS],
                source='api', host='node-1',
                backends=[log_backend.LogBackend()])
        self.addCleanup(notifier.close)
        text = '\n'.join(logs.output)
        self.assertIn('delivered nowhere', text)
        self.assertIn('unitcat.table.audit', text)     # asks for database
        self.assertNotIn('unitcat.host.ping', text)    # asks for log

    def test_no_warning_when_every_event_is_served(self):
        notifier = notifier_mod.Notifier(
            tidings_conf.new_conf(), registries=[catalog.EVENTS],
            source='api', host='node-1', backends=[memory.MemoryBackend()])
        self.addCleanup(notifier.close)
        self.assertEqual([], backends.unserved(
            list(catalog.EVENTS), [b.mechanisms for b in notifier.backends]))

    def test_notifier_refuses_a_backend_that_declares_no_mechanism(self):
        exc = self.assertRaises(
            errors.ArgumentError, notifier_mod.Notifier,
            tidings_conf.new_conf(), source='api', host='node-1',
            backends=[SilentBackend(name='silent')])
        self.assertIn('backend silent mechanisms', str(exc))
        self.assertIn('frozenset()', str(exc))

    def test_config_check_refuses_a_configured_backend_declaring_none(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['log'], 'notifications')
        with mock.patch.object(tidings_conf, '_backend_class',
                               return_value=SilentBackend):
            problems = tidings_conf.check(conf)
        self.assertEqual(1, len(problems), problems)
        self.assertIn('declares no delivery mechanism', str(problems[0]))
        self.assertIn('SilentBackend', str(problems[0]))
