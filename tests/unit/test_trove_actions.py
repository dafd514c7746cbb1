"""dbaas actions: start in one place, end or error in another."""

import json
import multiprocessing
import os
import sys

import fixtures

from tests import testcase
from tidings.backends import jsonfile
from tidings.backends import memory
from tidings.catalogs import trove
from tidings.catalogs.trove import actions
from tidings.catalogs.trove import context
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors

API_IP = '192.0.2.1:8779'
CLIENT_IP = '198.51.100.7:40112'


def _base():
    return actions.base_traits('tenant-1', 'req-42', CLIENT_IP, API_IP)


def _data(wire):
    return wire['payload']['trove_object.data']


def _over_the_wire(ctx):
    """What an RPC hop does to a context: JSON out and back."""
    return json.loads(json.dumps(ctx))


def _finish_in_child(ctx, path):
    """Run in a spawned process: the task manager ends the action."""
    backend = jsonfile.JsonFileBackend(path=path)
    with notifier_mod.Notifier(registries=[trove.EVENTS],
                               backends=[backend]) as notifier:
        action = context.resume(notifier, ctx, 'task', '192.0.2.9:0')
        action.end(instance_id='inst-1')


class ActionTestCase(testcase.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = memory.MemoryBackend()
        self.notifier = notifier_mod.Notifier(registries=[trove.EVENTS],
                                              backends=[self.backend])

    def create(self, **traits):
        traits = dict({'name': 'orders', 'flavor': '7',
                       'datastore': 'mysql'}, **traits)
        return actions.action(self.notifier, 'instance_create', _base(),
                              **traits)

    def only(self, event_type):
        found = self.backend.by_event_type(event_type)
        self.assertEqual(1, len(found), event_type)
        return found[0]


class TestActionInOneProcess(ActionTestCase):

    def test_start_emits_start_with_base_and_start_traits(self):
        self.create(volume_size=20).start()
        data = _data(self.only('dbaas.instance_create.start'))
        self.assertEqual({'tenant_id': 'tenant-1', 'request_id': 'req-42',
                          'client_ip': CLIENT_IP, 'server_ip': API_IP,
                          'server_type': 'api', 'name': 'orders',
                          'flavor': '7', 'datastore': 'mysql',
                          'volume_size': 20}, data)

    def test_end_keeps_correlation_traits_and_adds_end_traits(self):
        action = self.create()
        action.start()
        action.end(instance_id='inst-1')
        data = _data(self.only('dbaas.instance_create.end'))
        self.assertEqual('req-42', data['request_id'])
        self.assertEqual('tenant-1', data['tenant_id'])
        self.assertEqual('inst-1', data['instance_id'])

    def test_context_manager_emits_error_with_message_and_trace(self):
        def fail():
            with actions.action(self.notifier, 'instance_restart', _base(),
                                instance_id='inst-1'):
                raise RuntimeError('guest unreachable')
        self.assertRaises(RuntimeError, fail)
        wire = self.only('dbaas.instance_restart.error')
        self.assertEqual('ERROR', wire['priority'])
        data = _data(wire)
        self.assertEqual('guest unreachable', data['message'])
        self.assertIn('Traceback', data['exception'])
        self.assertIn('RuntimeError: guest unreachable', data['exception'])

    def test_context_manager_emits_end_on_success(self):
        with actions.action(self.notifier, 'user_delete', _base(),
                            instance_id='inst-1', username='app'):
            pass
        self.assertEqual('req-42',
                         _data(self.only('dbaas.user_delete.end'))[
                             'request_id'])

    def test_error_traits_of_instance_create(self):
        action = self.create()
        action.start()
        action.error(ValueError('no host'), instance_id='inst-1')
        data = _data(self.only('dbaas.instance_create.error'))
        self.assertEqual('inst-1', data['instance_id'])
        self.assertEqual('no host', data['message'])

    def test_missing_start_trait_fails_at_start_naming_event_and_trait(self):
        action = actions.action(self.notifier, 'user_grant', _base(),
                                instance_id='inst-1', username='app')
        self.assertRaisesNaming(errors.MissingFieldError,
                                ['dbaas.user_grant.start', 'database'],
                                action.start)

    def test_missing_end_trait_fails_naming_event_and_trait(self):
        action = self.create()
        action.start()
        self.assertRaisesNaming(errors.MissingFieldError,
                                ['dbaas.instance_create.end', 'instance_id'],
                                action.end)

    def test_unknown_trait_names_event_and_trait(self):
        self.assertRaisesNaming(actions.TraitError,
                                ['dbaas.instance_create.start', "'password'"],
                                self.create, password='hunter2')

    def test_bad_trait_value_names_event_trait_and_value(self):
        self.assertRaisesNaming(
            actions.TraitError,
            ['dbaas.instance_create.start', 'volume_size', "'big'"],
            self.create, volume_size='big')

    def test_unknown_action_lists_the_actions(self):
        self.assertRaisesNaming(errors.UnknownEventError, ['instance_restart'],
                                actions.action, self.notifier,
                                'instance_explode', _base())


class TestContext(ActionTestCase):

    def started_context(self):
        action = self.create()
        action.start()
        return _over_the_wire(context.attach({'user': 'u-1'}, action))

    def test_attach_puts_a_json_pending_notification_in_the_context(self):
        ctx = self.started_context()
        self.assertEqual('EVENT_TYPE_DBAAS_INSTANCE_CREATE_START',
                         ctx[context.CONTEXT_KEY]['event'])
        self.assertEqual('u-1', ctx['user'])

    def test_resumed_action_names_the_emitting_server(self):
        ctx = self.started_context()
        action = context.resume(self.notifier, ctx, 'task', '192.0.2.9:0')
        action.end(instance_id='inst-1')
        data = _data(self.only('dbaas.instance_create.end'))
        self.assertEqual('task', data['server_type'])
        self.assertEqual('192.0.2.9:0', data['server_ip'])
        self.assertEqual(CLIENT_IP, data['client_ip'])
        self.assertEqual('req-42', data['request_id'])

    def test_resumed_action_keeps_context_without_pending_notification(self):
        action = context.resume(self.notifier, self.started_context())
        self.assertEqual({'user': 'u-1'}, action.context)

    def test_resume_without_pending_notification_gives_none(self):
        self.assertIsNone(context.resume(self.notifier, {'user': 'u-1'}))

    def test_resumed_end_reports_duration_since_start(self):
        action = context.resume(self.notifier, self.started_context())
        note = action.end(instance_id='inst-1')
        self.assertIsNotNone(note.duration_ms)
        self.assertGreaterEqual(note.duration_ms, 0.0)


class TestConductor(ActionTestCase):

    def setUp(self):
        super().setUp()
        self.conductor = context.Conductor(self.notifier, '192.0.2.3:0')

    def pending_context(self, action='database_create', /, **traits):
        traits = traits or {'instance_id': 'inst-1', 'dbname': 'orders'}
        started = actions.action(self.notifier, action, _base(), **traits)
        started.start()
        return _over_the_wire(context.attach({}, started))

    def test_notify_end_emits_end_as_conductor(self):
        message_id = self.conductor.notify_end(self.pending_context())
        wire = self.only('dbaas.database_create.end')
        self.assertEqual(message_id, wire['message_id'])
        self.assertEqual('conductor', _data(wire)['server_type'])
        self.assertEqual('192.0.2.3:0', _data(wire)['server_ip'])

    def test_notify_exc_info_emits_error_with_guest_message_and_trace(self):
        try:
            raise OSError('disk full')
        except OSError:
            message, trace = context.format_exc_info(sys.exc_info())
        self.conductor.notify_exc_info(self.pending_context(), message,
                                       trace)
        data = _data(self.only('dbaas.database_create.error'))
        self.assertEqual('disk full', data['message'])
        self.assertIn('OSError: disk full', data['exception'])
        self.assertEqual('conductor', data['server_type'])

    def test_notify_end_passes_end_traits(self):
        ctx = self.pending_context('backup_create', name='nightly',
                                   instance_id='inst-1')
        self.conductor.notify_end(ctx, {'backup_id': 'bk-1'})
        self.assertEqual('bk-1', _data(
            self.only('dbaas.backup_create.end'))['backup_id'])

    def test_context_without_pending_notification_emits_nothing(self):
        self.assertIsNone(self.conductor.notify_end({'user': 'u-1'}))
        self.assertEqual(0, len(self.backend.messages))


class TestAcrossProcesses(ActionTestCase):

    def test_end_emitted_by_a_spawned_process(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'notes.jsonl')
        action = self.create()
        action.start()
        ctx = _over_the_wire(context.attach({}, action))
        proc = multiprocessing.get_context('spawn').Process(
            target=_finish_in_child, args=(ctx, path))
        proc.start()
        proc.join(30)
        if proc.is_alive():
            proc.kill()
            proc.join()
        self.assertEqual(0, proc.exitcode)
        with open(path) as handle:
            [wire] = [json.loads(line) for line in handle]
        start = _data(self.only('dbaas.instance_create.start'))
        end = _data(wire)
        self.assertEqual('dbaas.instance_create.end', wire['event_type'])
        self.assertEqual(start['request_id'], end['request_id'])
        self.assertEqual('task', end['server_type'])
        self.assertEqual('inst-1', end['instance_id'])
