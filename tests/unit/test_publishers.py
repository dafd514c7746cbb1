"""The AMQP bytes and bodies the pipeline sender writes."""

import datetime
import json

import amqp
from amqp import method_framing
from amqp import spec
from oslo_serialization import jsonutils
import testtools

from tidings.backends.messaging import outbox
from tidings.backends.messaging import publishers
from tidings.backends.messaging.publishers import rabbit


class _Recorder:
    """What py-amqp's frame writer would put on the socket."""

    def __init__(self, frame_max):
        self.frame_max = frame_max
        self.bytes_sent = 0
        self.written = []

    def write(self, data):
        self.written.append(bytes(data))


def py_amqp_frames(channel_id, exchange, routing_key, body, frame_max):
    """py-amqp's own bytes for the basic.publish we mean to write."""
    recorder = _Recorder(frame_max)
    writer = method_framing.frame_writer(recorder, recorder)
    message = amqp.Message(body, content_type='application/json',
                           content_encoding='utf-8', delivery_mode=2)
    writer(1, channel_id, spec.Basic.Publish, amqp.serialization.dumps(
        'Bssbb', (0, exchange, routing_key, True, False)), message)
    return b''.join(recorder.written)


def frame_types(data):
    """The frame type of each frame in ``data``, checking every frame's
    size and end octet."""
    types, offset = [], 0
    while offset < len(data):
        size = int.from_bytes(data[offset + 3:offset + 7], 'big')
        assert data[offset + 7 + size] == 0xCE, 'bad frame end'
        types.append(data[offset])
        offset += 8 + size
    return types


def row(message, version=2.0, ctxt=None):
    return outbox.Row(1, message.get('message_id'), 'notifications.info',
                      version, ctxt or {}, message)


class TestPublishFrames(testtools.TestCase):

    def test_small_message_matches_py_amqp_byte_for_byte(self):
        body = b'{"oslo.version": "2.0"}'
        frames = rabbit.PublishFrames(1, 'openstack', 131072)
        self.assertEqual(
            py_amqp_frames(1, 'openstack', 'versioned.info', body, 131072),
            frames.message('versioned.info', body))

    def test_body_over_frame_max_is_split_as_py_amqp_splits_it(self):
        body = bytes(range(256)) * 40          # 10 KiB, frame_max 4 KiB
        frames = rabbit.PublishFrames(3, 'nova', 4096)
        out = frames.message('notifications.error', body)
        self.assertEqual(
            py_amqp_frames(3, 'nova', 'notifications.error', body, 4096), out)
        self.assertEqual([1, 2, 3, 3, 3], frame_types(out))

    def test_body_of_exactly_one_frame_is_one_body_frame(self):
        body = b'x' * (4096 - 8)
        frames = rabbit.PublishFrames(1, 'openstack', 4096)
        self.assertEqual(
            py_amqp_frames(1, 'openstack', 'v.info', body, 4096),
            frames.message('v.info', body))

    def test_method_frame_is_reused_per_routing_key(self):
        frames = rabbit.PublishFrames(1, 'openstack', 131072)
        self.assertIs(frames.method('a.info'), frames.method('a.info'))
        self.assertNotEqual(frames.method('a.info'), frames.method('b.info'))

    def test_routing_key_over_255_bytes_is_refused_by_name(self):
        frames = rabbit.PublishFrames(1, 'openstack', 131072)
        exc = self.assertRaises(ValueError, frames.method, 'k' * 256)
        self.assertIn('255 bytes', str(exc))


class TestBody(testtools.TestCase):

    WIRE = {'priority': 'INFO', 'event_type': 'demo.backup.create.start',
            'timestamp': '2026-11-01 12:00:00.000000',
            'publisher_id': 'bench:host', 'message_id': 'm-1',
            'payload': {'demo_object.data': {'name': 'nightly \u00e9t\u00e9',
                                             'size': 10}}}

    def test_messagingv2_body_holds_the_same_values_as_jsonutils(self):
        body = rabbit.amqp_body(row(self.WIRE, ctxt={'user': 'u1'}))
        outer = json.loads(body)
        self.assertEqual('2.0', outer['oslo.version'])
        inner = json.loads(outer['oslo.message'])
        expected = dict(self.WIRE, _context_user='u1')
        self.assertEqual(32, len(inner.pop('_unique_id')))
        self.assertEqual(expected, inner)

    def test_messaging_body_is_the_message_itself(self):
        body = json.loads(rabbit.amqp_body(
            row(self.WIRE, version=1.0)))
        body.pop('_unique_id')
        self.assertEqual(self.WIRE, body)

    def test_non_ascii_stays_utf8(self):
        body = rabbit.amqp_body(row(self.WIRE, version=1.0))
        self.assertIn('nightly \u00e9t\u00e9'.encode('utf-8'), body)

    def test_datetimes_in_the_context_serialise_as_jsonutils_does(self):
        moment = datetime.datetime(2026, 11, 1, 12, 0, 0, 5)
        value = {'when': moment, 'ids': {1, 2}}
        self.assertEqual(json.loads(jsonutils.dumps(value)),
                         json.loads(rabbit.dumps(value)))

    def test_integer_beyond_64_bits_falls_back_to_jsonutils(self):
        value = {'big': 2 ** 70, 1: 'non-text key'}
        self.assertEqual({'big': 2 ** 70, '1': 'non-text key'},
                         json.loads(rabbit.dumps(value)))


class TestReplayedBody(testtools.TestCase):
    """Rows read back from the outbox: their AMQP body is spliced from
    the stored text, byte for byte what the parsed path makes."""

    MESSAGES = [
        ({}, {'message_id': 'm1', 'event_type': 'demo.backup.create.start',
              'payload': {'nova_object.name': 'BackupPayload',
                          'nova_object.data': {'size': 10, 'tags': ['a'],
                                               'nested': {'x': None}}}}),
        ({'request_id': 'req-1', 'roles': ['admin', 'member'],
          'is_admin': True, 'quota': 1.5},
         {'message_id': 'm2', 'payload': {'name': 'caf\u00e9 \u2603 "q"\\n',
                                          'big': 2 ** 40}}),
        ({'user': 'u'}, {}),
    ]

    def setUp(self):
        super().setUp()
        self.box = outbox.Outbox('sqlite://', 'outbox')
        self.addCleanup(self.box.close)
        # the same _unique_id for every send, so bodies compare as bytes
        self.patch(rabbit.random, 'getrandbits', lambda n: 7)

    def stored(self, version):
        live = [outbox.Row(i + 1, 'id%d' % i, 'n.info', version, ctxt, msg)
                for i, (ctxt, msg) in enumerate(self.MESSAGES)]
        self.box.put(live)
        return live, self.box.head(10)

    def test_messagingv2_replay_is_the_same_bytes_as_the_parsed_path(self):
        live, stored = self.stored(2.0)
        spliced = [rabbit.amqp_body(r) for r in stored]
        # nothing was parsed to make them
        self.assertEqual([None] * 3, [r._message for r in stored])
        parsed = [rabbit.amqp_body(outbox.Row(
            r.seq, r.message_id, r.routing_key, r.version, r.ctxt,
            r.message)) for r in stored]
        self.assertEqual(parsed, spliced)
        inner = json.loads(json.loads(spliced[1])['oslo.message'])
        self.assertEqual(dict(self.MESSAGES[1][1], _unique_id=inner[
            '_unique_id'], **{'_context_' + k: v
                              for k, v in self.MESSAGES[1][0].items()}),
                         inner)

    def test_messaging_replay_is_the_message_itself(self):
        _live, stored = self.stored(1.0)
        spliced = [rabbit.amqp_body(r) for r in stored]
        self.assertEqual([rabbit.amqp_body(outbox.Row(
            r.seq, r.message_id, r.routing_key, r.version, r.ctxt,
            r.message)) for r in stored], spliced)
        doc = json.loads(spliced[0])
        self.assertEqual('m1', doc['message_id'])
        self.assertNotIn('oslo.message', doc)
        self.assertEqual({}, {k: v for k, v in doc.items()
                              if k.startswith('_context_')})

    def test_an_empty_message_gets_no_stray_comma(self):
        _live, stored = self.stored(1.0)
        doc = json.loads(rabbit.amqp_body(stored[2]))
        self.assertEqual(['_unique_id', '_context_user'], list(doc))

    def test_a_body_in_another_form_is_parsed_whole(self):
        # as an earlier tidings or another writer may have stored it
        body = json.dumps({'message': {'message_id': 'm9', 'n': 1},
                           'ctxt': {'user': 'u'}}, indent=1)
        self.assertIsNone(outbox.split_body(body))
        row = outbox.Row(1, 'm9', 'n.info', 2.0, None, None, body=body)
        inner = json.loads(json.loads(rabbit.amqp_body(row))[
            'oslo.message'])
        self.assertEqual(('m9', 1, 'u'), (inner['message_id'], inner['n'],
                                          inner['_context_user']))

    def test_stored_rows_parse_on_demand_for_the_oslo_path(self):
        _live, stored = self.stored(2.0)
        self.assertEqual(self.MESSAGES[1], (stored[1].ctxt,
                                            stored[1].message))


class TestBare(testtools.TestCase):
    """Failures kept by the sender and replay threads hold no frames, so
    nothing they held waits for the garbage collector."""

    def test_tracebacks_of_the_failure_and_its_chain_are_dropped(self):
        def fail():
            try:
                raise OSError('inner')
            except OSError as inner:
                raise publishers.ConfirmTimeout('outer') from inner
        try:
            fail()
        except publishers.ConfirmTimeout as exc:
            kept = publishers.bare(exc)
        self.assertEqual('outer', str(kept))
        self.assertIsNone(kept.__traceback__)
        self.assertIsNone(kept.__cause__.__traceback__)
        self.assertEqual('inner', str(kept.__cause__))

    def test_a_failed_connect_leaves_no_reference_cycle(self):
        import gc
        import socket
        with socket.socket() as sock:       # a port nobody listens on
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        sender = rabbit.RabbitPipelineSender(
            [('127.0.0.1', port, 'guest', 'guest')], timeout=0.5)
        gc.collect()
        gc.disable()
        self.addCleanup(gc.enable)

        def keep_the_failure():
            # as the replay thread does: the failure in a local variable
            try:
                sender.probe()
            except OSError as exc:
                failure = publishers.bare(exc)
            return type(failure).__name__
        self.assertEqual('ConnectionRefusedError', keep_the_failure())
        try:                                # and connect() on its own
            sender.connect()
        except OSError as exc:
            self.assertIsInstance(exc, ConnectionRefusedError)
        gc.set_debug(gc.DEBUG_SAVEALL)     # keep what a pass would free
        try:
            gc.collect()
            cycles = [type(o).__name__ for o in gc.garbage]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        # py-amqp's Connection object is a cycle of its own (its method
        # maps); no frame, traceback or socket is in one
        self.assertEqual([], [name for name in cycles if name in (
            'frame', 'traceback', 'socket', 'ConnectionRefusedError')])
