"""The Senlin catalog: action events, sources, event-table mapping, conf."""

import datetime
import json
import os

import fixtures

from tests import testcase
from tests.unit import catalog_testing
from tidings import conf as tidings_conf
from tidings.backends import jsonfile
from tidings.catalogs import senlin
from tidings.catalogs.senlin import events
from tidings.catalogs.senlin import payloads
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors


def resolve(primitive, path):
    """Follow a dotted RECORD path into a versioned wire primitive."""
    value = primitive
    for part in path.split('.'):
        data = value['senlin_object.data']
        value = data[part]
    return value


class SenlinEventsTest(testcase.TestCase):

    def test_every_cluster_and_node_action_has_three_phases(self):
        types = {d.event_type_str for d in events.EVENTS}
        for obj, actions in (('cluster', events.CLUSTER_ACTIONS),
                             ('node', events.NODE_ACTIONS)):
            for action in actions:
                for phase in ('start', 'end', 'error'):
                    self.assertIn('%s.%s.%s' % (obj, action, phase), types)
        self.assertEqual(3 * (len(events.CLUSTER_ACTIONS)
                              + len(events.NODE_ACTIONS)), len(types))

    def test_brief_actions_are_all_present(self):
        self.assertTrue({'create', 'delete', 'update', 'resize', 'scale_out',
                         'scale_in', 'check', 'recover', 'attach_policy',
                         'detach_policy', 'add_nodes', 'del_nodes'}
                        <= set(events.CLUSTER_ACTIONS))
        self.assertTrue({'create', 'delete', 'update', 'join', 'leave',
                         'check', 'recover'} <= set(events.NODE_ACTIONS))

    def test_error_phase_is_error_level_others_info(self):
        self.assertEqual([],
                         catalog_testing.levels_not_by_phase(events.EVENTS))

    def test_every_event_goes_to_messaging_and_database(self):
        for definition in events.EVENTS:
            self.assertEqual(('messaging', 'database'),
                             definition.mechanisms)

    def test_every_event_has_one_of_the_three_sources(self):
        sources = {d.source for d in events.EVENTS}
        self.assertEqual({'engine', 'profile', 'policy'}, sources)

    def test_source_assignment(self):
        self.assertEqual(
            'policy', events.EVENTS['cluster.attach_policy.start'].source)
        self.assertEqual('profile', events.EVENTS['node.create.end'].source)
        self.assertEqual('engine', events.EVENTS['node.join.end'].source)
        self.assertEqual('engine',
                         events.EVENTS['cluster.scale_out.error'].source)

    def test_lookup_by_module_constant(self):
        self.assertIs(events.EVENTS['cluster.scale_out.start'],
                      events.EVENT_TYPE_CLUSTER_SCALE_OUT_START)
        self.assertIs(events.EVENTS.EVENT_TYPE_NODE_LEAVE_ERROR,
                      events.EVENTS['node.leave.error'])

    def test_every_event_is_a_module_constant_of_its_name(self):
        constants = {name: value for name, value in vars(events).items()
                     if name.startswith('EVENT_TYPE_')}
        self.assertEqual([d.name for d in events.EVENTS],
                         [name for name in constants])
        for definition in events.EVENTS:
            self.assertIs(definition, constants[definition.name])
            obj, action, phase = definition.event_type_str.split('.')
            self.assertEqual('EVENT_TYPE_%s_%s_%s' % (
                obj.upper(), action.upper(), phase.upper()), definition.name)

    def test_events_are_in_the_order_of_the_actions_and_phases(self):
        self.assertEqual(
            ['%s.%s.%s' % (obj, action, phase)
             for obj, actions in (('cluster', events.CLUSTER_ACTIONS),
                                  ('node', events.NODE_ACTIONS))
             for action in actions for phase in ('start', 'end', 'error')],
            [d.event_type_str for d in events.EVENTS])


class SenlinSourceFilterTest(testcase.TestCase):

    def emit_all(self, **notifications):
        notifier, backend = catalog_testing.memory_notifier(
            events.EVENTS, **notifications)
        for definition in events.EVENTS:
            notifier.notify(definition, definition.sample)
        return {m['event_type'] for m in backend.messages}

    def test_include_sources_keeps_only_listed_modules(self):
        sent = self.emit_all(include_sources=['policy'])
        self.assertEqual(
            {'cluster.%s.%s' % (a, p)
             for a in ('attach_policy', 'detach_policy', 'update_policy')
             for p in ('start', 'end', 'error')}, sent)

    def test_exclude_sources_drops_listed_modules(self):
        sent = self.emit_all(exclude_sources=['profile'])
        self.assertNotIn('node.create.start', sent)
        self.assertNotIn('node.recover.error', sent)
        self.assertIn('node.join.start', sent)
        self.assertIn('cluster.create.start', sent)

    def test_no_filter_delivers_everything(self):
        self.assertEqual(len(events.EVENTS), len(self.emit_all()))

    def test_publisher_id_names_the_source_module(self):
        notifier, backend = catalog_testing.memory_notifier(
            events.EVENTS, host='senlin-1')
        notifier.notify('node.create.start',
                        events.sample('node', 'create', 'start'))
        notifier.notify('cluster.resize.end',
                        events.sample('cluster', 'resize', 'end'))
        self.assertEqual(['profile:senlin-1', 'engine:senlin-1'],
                         [m['publisher_id'] for m in backend.messages])


class SenlinPayloadTest(testcase.TestCase):

    def test_record_paths_resolve_on_every_sample(self):
        for definition in events.EVENTS:
            payload = definition.sample()
            prim = payload.obj_to_primitive()
            for column, path in type(payload).RECORD.items():
                value = resolve(prim, path)
                self.assertIsInstance(value, str,
                                      '%s %s' % (definition.name, column))

    def test_node_record_parent_is_its_cluster(self):
        prim = events.sample('node', 'join', 'end').obj_to_primitive()
        self.assertEqual(events.CLUSTER_ID, resolve(
            prim, payloads.NodeActionPayload.RECORD['parent_id']))
        self.assertEqual('SUCCEEDED', resolve(
            prim, payloads.NodeActionPayload.RECORD['status']))

    def test_build_from_senlin_objects_and_a_raised_exception(self):
        cluster = events.sample_cluster().obj_to_primitive()[
            'senlin_object.data']
        action = events.sample_action('cluster', 'create', 'error')
        action = action.obj_to_primitive()['senlin_object.data']
        try:
            raise LookupError('profile gone')
        except LookupError as exc:
            payload = payloads.ClusterActionPayload.build(cluster, action,
                                                          exc)
        self.assertEqual(events.CLUSTER_ID, payload.cluster.id)
        self.assertEqual('CLUSTER_CREATE', payload.action.action)
        self.assertEqual('LookupError', payload.exception.exception)
        self.assertEqual('senlin', payload.exception.OBJ_PROJECT_NAMESPACE)

    def test_build_leaves_exception_null_without_error(self):
        node = events.sample_node().obj_to_primitive()['senlin_object.data']
        action = events.sample_action('node', 'join', 'end')
        action = action.obj_to_primitive()['senlin_object.data']
        payload = payloads.NodeActionPayload.build(node, action)
        data = payload.obj_to_primitive()['senlin_object.data']
        self.assertIsNone(data['exception'])

    def test_missing_cluster_field_names_payload_and_field(self):
        cluster = events.sample_cluster()
        del cluster.project
        payload = events.sample('cluster', 'create', 'start')
        payload.cluster = cluster
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        self.assertRaisesNaming(errors.MissingFieldError,
                                ['ClusterPayload', 'project'], notifier.notify,
                                'cluster.create.start', payload)

    def test_bad_action_status_names_accepted_statuses(self):
        self.assertRaisesNaming(errors.FieldValueError,
                                ['ActionPayload.status', 'SUCCEEDED'],
                                payloads.ActionPayload, status='DONE')

    def test_datetimes_are_utc_on_the_wire(self):
        prim = events.sample_cluster().obj_to_primitive()
        self.assertEqual('2016-12-01T10:00:00Z',
                         prim['senlin_object.data']['init_at'])
        self.assertEqual(datetime.timezone.utc,
                         events.sample_cluster().init_at.tzinfo)


class SenlinRecommendedConfTest(testcase.TestCase):
    """The shipped senlin.conf.  The database and messaging backends may be
    built on other branches; the validation tests declare them installed
    so that everything else in the file is checked for real."""

    def setUp(self):
        super().setUp()
        installed = tidings_conf.installed_backends()
        self.useFixture(fixtures.MockPatch(
            'tidings.conf.installed_backends',
            return_value=sorted(set(installed) | {'database', 'messaging'})))

    def test_recommended_conf_validates(self):
        conf = tidings_conf.new_conf(config_files=[senlin.RECOMMENDED_CONF])
        self.assertIs(conf, tidings_conf.validate(conf))

    def test_recommended_conf_turns_on_database_and_messaging(self):
        conf = tidings_conf.new_conf(config_files=[senlin.RECOMMENDED_CONF])
        self.assertEqual(['database', 'messaging'],
                         conf.notifications.backends)
        self.assertEqual('info', conf.notifications.level)

    def test_commented_jsonfile_variant_validates(self):
        with open(senlin.RECOMMENDED_CONF) as f:
            text = f.read()
        variant = '# backends = database, messaging, jsonfile'
        self.assertIn(variant, text)
        text = text.replace(variant, variant[2:]).replace(
            'backends = database, messaging\n', '', 1)
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'senlin.conf')
        with open(path, 'w') as f:
            f.write(text)
        conf = tidings_conf.new_conf(config_files=[path])
        tidings_conf.validate(conf)
        self.assertEqual(['database', 'messaging', 'jsonfile'],
                         conf.notifications.backends)


class SenlinJsonFileBackendTest(testcase.TestCase):

    def test_events_are_written_by_the_json_file_backend(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'events.jsonl')
        conf = tidings_conf.new_conf()
        backend = jsonfile.JsonFileBackend(conf, path=path)
        notifier = notifier_mod.Notifier(conf, events.EVENTS,
                                         backends=[backend])
        notifier.notify('cluster.scale_in.error',
                        events.sample('cluster', 'scale_in', 'error'))
        notifier.close()
        with open(path) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(['cluster.scale_in.error'],
                         [m['event_type'] for m in lines])
        self.assertEqual('ERROR', lines[0]['priority'])
