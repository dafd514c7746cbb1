"""tidings.consumer: the decoder across versions, the de-duplicators and
the oslo.messaging endpoint (through the ``fake://`` transport)."""

import copy
import json
import os
import threading
import time
import uuid

import fixtures
import oslo_messaging
import testtools

from tests.unit import catalog
from tidings import catalogs
from tidings import conf as tidings_conf
from tidings import samples as samples_mod
from tidings.consumer import decoder as decoder_mod
from tidings.consumer import dedup as dedup_mod
from tidings.consumer import endpoint as endpoint_mod
from tidings.objects import errors
from tidings.objects import lockfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


def wire(event_type, payload, priority='INFO', message_id=None):
    return {'priority': priority, 'event_type': event_type,
            'timestamp': '2026-01-01 00:00:00.000000',
            'publisher_id': 'svc:host',
            'message_id': message_id or str(uuid.uuid4()),
            'payload': payload}


def table_message(version=None, **extra):
    payload = catalog.table_payload(**extra)
    return wire(catalog.TABLE_CREATE_START.event_type_str,
                payload.obj_to_primitive(version))


def bundled_samples():
    """``[(path, wire message)]`` of every bundled catalog's samples."""
    out = []
    for registry in catalogs.load_all():
        for _definition, sampled in samples_mod.sampled_definitions(
                registry):
            path = os.path.join(ROOT, 'samples', registry.name,
                                samples_mod.filename(sampled))
            with open(path, encoding='utf-8') as handle:
                out.append((path, json.load(handle)))
    return out


def bump(message, version, **extra):
    """``message`` with its payload at ``version`` and ``extra`` fields
    added, as a newer producer would send it."""
    message = copy.deepcopy(message)
    payload = message['payload']
    ns = next(k for k in payload if k.endswith('_object.name'))[
        :-len('.name')]
    payload[ns + '.version'] = version
    payload[ns + '.data'].update(extra)
    return message


class TestDecoderSamples(testtools.TestCase):

    def test_every_bundled_sample_decodes_valid_and_round_trips(self):
        decoder = decoder_mod.Decoder(
            catalogs.load_all(),
            validate=True, invalid='raise')
        found = bundled_samples()
        self.assertGreater(len(found), 100)
        for path, message in found:
            payload, meta = decoder.decode(message)
            self.assertIs(True, meta.schema_valid, path)
            self.assertEqual((), meta.dropped, path)
            self.assertIsInstance(payload, meta.definition.payload, path)
            self.assertEqual(message['payload'], payload.obj_to_primitive(),
                             path)
            self.assertEqual(message['event_type'], meta.event_type)
            self.assertEqual(message['message_id'], meta.message_id)
        self.assertEqual(len(found), decoder.stats['decoded'])


class TestVersions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.decoder = decoder_mod.Decoder([catalog.EVENTS], validate=True)

    def test_the_same_version(self):
        payload, meta = self.decoder.decode(table_message(comment='c'))
        self.assertEqual('c', payload.comment)
        self.assertEqual(('1.2', '1.2'), (meta.payload_version,
                                          meta.known_version))
        self.assertFalse(meta.newer or meta.older)
        self.assertIs(True, meta.schema_valid)

    def test_an_older_minor_leaves_the_added_fields_unset(self):
        message = table_message('1.0', comment='c', tags=['a'])
        self.assertEqual('1.0', message['payload']['unitcat_object.version'])
        payload, meta = self.decoder.decode(message)
        self.assertFalse(payload.obj_attr_is_set('comment'))
        self.assertFalse(payload.obj_attr_is_set('tags'))
        self.assertEqual('orders', payload.table_name)
        self.assertTrue(meta.older)
        self.assertEqual('1.0', meta.payload_version)
        self.assertEqual('1.2', meta.known_version)
        self.assertIs(True, meta.schema_valid)   # against 1.0's schema
        self.assertEqual(1, self.decoder.stats['older'])

    def test_a_newer_minor_drops_and_counts_unknown_fields(self):
        message = table_message(disk=catalog.DiskPayload(name='d',
                                                         size_gb=1))
        message = bump(message, '1.3', colour='blue')
        message['payload']['unitcat_object.data']['disk'][
            'unitcat_object.version'] = '1.4'
        message['payload']['unitcat_object.data']['disk'][
            'unitcat_object.data']['iops'] = 300
        payload, meta = self.decoder.decode(message)
        self.assertEqual(['colour', 'disk.iops'], sorted(meta.dropped))
        self.assertTrue(meta.newer)
        self.assertEqual('d', payload.disk.name)
        self.assertEqual(12, payload.rows)
        # the lock has no 1.3: it cannot be checked, and still decodes
        self.assertIsNone(meta.schema_valid)
        self.assertIn('unitcat.TablePayload@1.3 is not in the lock file',
                      meta.schema_error)
        self.assertEqual(2, self.decoder.stats['dropped_fields'])
        self.assertEqual({'unitcat.TablePayload.colour': 1,
                          'unitcat.TablePayload.disk.iops': 1},
                         dict(self.decoder.dropped))
        self.assertEqual(1, self.decoder.stats['newer'])

    def test_another_major_is_a_typed_error_naming_both_versions(self):
        message = bump(table_message(), '2.0', colour='blue')
        exc = self.assertRaises(errors.PayloadVersionError,
                                self.decoder.decode, message)
        self.assertEqual(('2.0', '1.2'), (exc.received, exc.known))
        self.assertIn('unitcat.TablePayload: received version 2.0, this '
                      'consumer knows 1.2', str(exc))
        self.assertIn(message['message_id'], str(exc))

    def test_an_older_major_too(self):
        message = bump(table_message(), '0.9')
        self.assertRaises(errors.PayloadVersionError, self.decoder.decode,
                          message)

    def test_a_nested_major_mismatch(self):
        message = table_message(disk=catalog.DiskPayload(name='d',
                                                         size_gb=1))
        message['payload']['unitcat_object.data']['disk'][
            'unitcat_object.version'] = '2.1'
        exc = self.assertRaises(errors.PayloadVersionError,
                                decoder_mod.Decoder([catalog.EVENTS]).decode,
                                message)
        self.assertIn('unitcat.DiskPayload at disk', str(exc))

    def test_an_unknown_field_at_a_known_version_is_malformed(self):
        message = bump(table_message(), '1.2', colour='blue')
        exc = self.assertRaises(errors.MalformedNotificationError,
                                decoder_mod.Decoder([catalog.EVENTS]).decode,
                                message)
        self.assertIn("field 'colour' is not in unitcat.TablePayload 1.2",
                      str(exc))


class TestDecoderErrors(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.decoder = decoder_mod.Decoder([catalog.EVENTS])

    def test_unknown_event_type(self):
        exc = self.assertRaises(errors.UnknownEventError, self.decoder.decode,
                                wire('nope.thing', {}))
        self.assertIn("'nope.thing'", str(exc))
        self.assertIn('unitcat.table.create.start', str(exc))

    def test_another_payload_than_the_event_names(self):
        message = wire(catalog.PING.event_type_str,
                       catalog.table_payload().obj_to_primitive())
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.decoder.decode, message)
        self.assertIn('payload is unitcat.TablePayload, not '
                      'unitcat.PingPayload', str(exc))

    def test_missing_envelope_key(self):
        message = table_message()
        del message['publisher_id']
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.decoder.decode, message)
        self.assertIn("'publisher_id' is missing", str(exc))

    def test_bad_version_text(self):
        message = bump(table_message(), 'one')
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.decoder.decode, message)
        self.assertIn("version is 'one'; expected MAJOR.MINOR", str(exc))

    def test_a_value_the_field_refuses(self):
        message = table_message()
        message['payload']['unitcat_object.data']['rows'] = 'many'
        exc = self.assertRaises(errors.FieldValueError, self.decoder.decode,
                                message)
        self.assertIn('TablePayload.rows', str(exc))

    def test_data_not_an_object(self):
        message = table_message()
        message['payload']['unitcat_object.data'] = [1]
        exc = self.assertRaises(errors.MalformedNotificationError,
                                self.decoder.decode, message)
        self.assertIn('unitcat_object.data: expected a JSON object', str(exc))

    def test_bad_arguments(self):
        self.assertRaises(errors.ArgumentError, decoder_mod.Decoder,
                          [catalog.EVENTS], invalid='ignore')
        self.assertRaises(errors.ArgumentError, decoder_mod.Decoder, [42])
        self.assertRaises(errors.UnknownCatalogError, decoder_mod.Decoder,
                          ['no-such-catalog'])


class TestValidation(testtools.TestCase):

    def invalid_sample(self):
        message = table_message()
        message['priority'] = 'ERROR'
        return message

    def test_report_keeps_the_first_problem_and_decodes(self):
        decoder = decoder_mod.Decoder([catalog.EVENTS], validate=True)
        payload, meta = decoder.decode(self.invalid_sample())
        self.assertIs(False, meta.schema_valid)
        self.assertIn('priority', meta.schema_error)
        self.assertEqual('orders', payload.table_name)
        self.assertEqual(1, decoder.stats['invalid'])

    def test_raise_names_the_first_problem(self):
        decoder = decoder_mod.Decoder([catalog.EVENTS], validate=True,
                                      invalid='raise')
        exc = self.assertRaises(errors.MalformedNotificationError,
                                decoder.decode, self.invalid_sample())
        self.assertIn('does not match its schema: priority', str(exc))

    def test_without_validation_nothing_is_checked(self):
        _payload, meta = decoder_mod.Decoder([catalog.EVENTS]).decode(
            self.invalid_sample())
        self.assertIsNone(meta.schema_valid)
        self.assertIsNone(meta.schema_error)

    def test_an_explicit_lock(self):
        decoder = decoder_mod.Decoder([catalog.EVENTS], validate=True,
                                      lock=catalog.LOCK)
        self.assertIs(True, decoder.decode(table_message()).meta.schema_valid)


    def test_a_lock_schema_broken_by_hand_is_reported(self):
        lock = lockfile.LockFile.load(catalog.LOCK)
        lock.payloads['unitcat.TablePayload']['1.2']['schema'] = {
            'type': 42}
        decoder = decoder_mod.Decoder([catalog.EVENTS], validate=True,
                                      lock=lock)
        _payload, meta = decoder.decode(table_message())
        self.assertIs(False, meta.schema_valid)
        self.assertIn('is not a valid JSON Schema', meta.schema_error)


class TestUnversionedAndListener(testtools.TestCase):

    def test_an_unversioned_payload(self):
        flat = catalog.table_payload(
            disk=catalog.DiskPayload(name='d', size_gb=2)).to_flat_dict()
        flat['colour'] = 'blue'
        payload, meta = decoder_mod.Decoder([catalog.EVENTS]).decode(wire(
            catalog.TABLE_CREATE_START.event_type_str, flat))
        self.assertEqual('unversioned', meta.format)
        self.assertIsNone(meta.payload_version)
        self.assertEqual('1.2', meta.known_version)
        self.assertEqual(('colour',), meta.dropped)
        self.assertEqual(2, payload.disk.size_gb)

    def test_listener_arguments_and_meta(self):
        message = table_message()
        ctxt = {'request_id': 'req-1'}
        payload, meta = decoder_mod.Decoder([catalog.EVENTS]).decode_listener(
            ctxt, message['publisher_id'], message['event_type'],
            message['payload'], {'message_id': message['message_id'],
                                 'timestamp': message['timestamp']}, 'info')
        self.assertEqual(ctxt, meta.context)
        self.assertEqual('INFO', meta.priority)
        self.assertEqual('unitcat', meta.catalog)
        self.assertEqual(2026, meta.created.year)
        self.assertEqual('unitcat.TablePayload', meta.payload_name)
        as_dict = meta.as_dict()
        self.assertEqual(message['message_id'], as_dict['message_id'])
        self.assertEqual([], as_dict['dropped'])
        self.assertIn('unitcat.table.create.start', repr(meta))

    def test_a_status_variant(self):
        message = wire('unitcat.req.table_create.error.404',
                       catalog.table_payload().obj_to_primitive(),
                       priority='ERROR')
        _payload, meta = decoder_mod.Decoder([catalog.EVENTS]).decode(message)
        self.assertEqual(404, meta.definition.status)


class TestMemoryDeduplicator(testtools.TestCase):

    def test_claim_once_bounded_and_released(self):
        seen = dedup_mod.MemoryDeduplicator(size=3)
        self.assertTrue(seen.claim('a'))
        self.assertFalse(seen.claim('a'))
        for name in 'bcd':
            self.assertTrue(seen.claim(name))
        self.assertEqual(3, len(seen))
        self.assertNotIn('a', seen)          # the least recently seen went
        self.assertTrue(seen.claim('a'))
        seen.release('a')
        self.assertTrue(seen.claim('a'))
        self.assertEqual({'claimed': 6, 'duplicates': 1, 'evicted': 2},
                         dict(seen.stats))

    def test_bad_size_and_id(self):
        for size in (0, -1, 'ten', True):
            self.assertRaises(errors.ArgumentError,
                              dedup_mod.MemoryDeduplicator, size)
        self.assertRaises(errors.ArgumentError,
                          dedup_mod.MemoryDeduplicator().claim, None)

    def test_threads_claim_each_id_once(self):
        seen = dedup_mod.MemoryDeduplicator()
        won = []

        def claim():
            won.extend(i for i in range(500) if seen.claim(str(i)))
        threads = [threading.Thread(target=claim) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(list(range(500)), sorted(won))


class TestDatabaseDeduplicator(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.url = 'sqlite:///%s/seen.sqlite' % self.useFixture(
            fixtures.TempDir()).path

    def store(self, **kwargs):
        store = dedup_mod.DatabaseDeduplicator(self.url, **kwargs)
        self.addCleanup(store.close)
        return store

    def test_survives_a_restart(self):
        self.assertTrue(self.store().claim('m-1'))
        again = self.store()
        self.assertFalse(again.claim('m-1'))
        self.assertIn('m-1', again)
        self.assertTrue(again.claim('m-2'))
        again.release('m-2')
        self.assertTrue(again.claim('m-2'))

    def test_consumers_are_separate(self):
        self.assertTrue(self.store(consumer='a').claim('m'))
        self.assertTrue(self.store(consumer='b').claim('m'))
        self.assertFalse(self.store(consumer='a').claim('m'))

    def test_bounded_by_age_and_count(self):
        store = self.store(max_age=100, max_rows=3, prune_every=1000)
        now = time.time()
        for i in range(6):
            store.claim('old-%d' % i, now=now - 500 + i)
        for i in range(5):
            store.claim('new-%d' % i, now=now + i)
        self.assertEqual(11, len(store))
        self.assertEqual(8, store.prune(now + 10))
        self.assertEqual(3, len(store))
        self.assertNotIn('new-1', store)
        self.assertIn('new-4', store)

    def test_prunes_every_n_claims(self):
        store = self.store(max_rows=2, prune_every=5)
        for i in range(5):
            store.claim('m-%d' % i, now=1000.0 + i)
        self.assertEqual(2, len(store))
        self.assertEqual(3, store.stats['pruned'])

    def test_bad_arguments(self):
        exc = self.assertRaises(errors.DatabaseError,
                                dedup_mod.DatabaseDeduplicator, 'nope://x')
        self.assertIn('DatabaseDeduplicator url = nope://x: ', str(exc))
        self.assertIn('supported: sqlite', str(exc))
        for kwargs in ({'max_age': 0}, {'max_rows': 'all'},
                       {'consumer': ''}, {'consumer': 'x' * 65}):
            self.assertRaises(errors.ArgumentError,
                              dedup_mod.DatabaseDeduplicator, self.url,
                              **kwargs)


class TestHandlerNames(testtools.TestCase):

    def test_names(self):
        self.assertEqual('on_audit_create',
                         endpoint_mod.handler_name('audit.create'))
        self.assertEqual('on_watcher__audit_create',
                         endpoint_mod.handler_name('audit.create', 'watcher'))
        self.assertEqual('on_x_re_size',
                         endpoint_mod.handler_name('x.re-size'))
        self.assertEqual(
            ['on_unitcat__a_error_404', 'on_a_error_404',
             'on_unitcat__a_error', 'on_a_error', 'on_event'],
            endpoint_mod.handler_names('a.error.404', 'unitcat'))


class Recorder(endpoint_mod.NotificationEndpoint):

    def __init__(self, **kwargs):
        kwargs.setdefault('registries', [catalog.EVENTS])
        super().__init__(**kwargs)
        self.got = []
        self.fail = set()

    def on_unitcat_table_create_start(self, payload, meta):
        if meta.message_id in self.fail:
            raise RuntimeError('handler bug')
        self.got.append(('start', payload, meta))

    def on_unitcat__unitcat_table_create_end(self, payload, meta):
        self.got.append(('end', payload, meta))

    def on_unitcat_req_table_create_error(self, payload, meta):
        self.got.append(('error', payload, meta))


class TestEndpointDirect(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(
            name='tidings.consumer.endpoint'))

    def test_dispatch_by_event_type(self):
        endpoint = Recorder()
        for event in (catalog.TABLE_CREATE_START, catalog.TABLE_CREATE_END):
            self.assertEqual('handled', endpoint.dispatch_wire(wire(
                event.event_type_str, catalog.table_payload()
                .obj_to_primitive())))
        self.assertEqual('handled', endpoint.dispatch_wire(wire(
            'unitcat.req.table_create.error.503',
            catalog.table_payload().obj_to_primitive(), 'ERROR')))
        self.assertEqual(['start', 'end', 'error'],
                         [g[0] for g in endpoint.got])
        self.assertEqual(503, endpoint.got[2][2].definition.status)
        # no handler: not decoded, counted
        endpoint.dispatch_wire(wire(catalog.PING.event_type_str, {}))
        self.assertEqual({'handled': 3, 'unhandled': 1},
                         dict(endpoint.stats))

    def test_duplicates_reach_the_handler_once(self):
        endpoint = Recorder(dedup=dedup_mod.MemoryDeduplicator(10))
        message = table_message()
        for _ in range(3):
            endpoint.dispatch_wire(message)
        self.assertEqual(1, len(endpoint.got))
        self.assertEqual(2, endpoint.stats['duplicates'])

    def test_a_failing_handler_does_not_stop_the_next_message(self):
        endpoint = Recorder(dedup=dedup_mod.MemoryDeduplicator(10))
        bad, good = table_message(), table_message()
        endpoint.fail.add(bad['message_id'])
        self.assertEqual('handled', endpoint.dispatch_wire(bad))
        self.assertEqual('handled', endpoint.dispatch_wire(good))
        self.assertEqual(1, endpoint.stats['handler_errors'])
        self.assertEqual(1, len(endpoint.got))
        # the claim was released: a redelivery is handled
        endpoint.fail.clear()
        endpoint.dispatch_wire(bad)
        self.assertEqual(2, len(endpoint.got))
        self.assertIn('handler error: on_unitcat_table_create_start '
                      'RuntimeError', self.log.output)

    def test_requeue_errors(self):
        class Requeuing(Recorder):
            requeue_errors = True
        endpoint = Requeuing()
        message = table_message()
        endpoint.fail.add(message['message_id'])
        self.assertEqual('requeue', endpoint.dispatch_wire(message))

    def test_bad_messages_are_counted_and_logged_once_per_kind(self):
        endpoint = Recorder()
        for _ in range(20):
            endpoint.dispatch_wire(bump(table_message(), '2.0'))
        endpoint.dispatch_wire('not a dict')
        endpoint.dispatch_wire(table_message())
        self.assertEqual(21, endpoint.stats['undecodable'])
        self.assertEqual(1, endpoint.stats['handled'])
        self.assertEqual(1, self.log.output.count('PayloadVersionError'))
        endpoint.summary()
        self.assertIn('19 more since the last report', self.log.output)

    def test_filter_rule_applies_to_direct_calls(self):
        endpoint = Recorder(filter_rule=oslo_messaging.NotificationFilter(
            event_type=r'.*\.end$'))
        endpoint.dispatch_wire(table_message())
        endpoint.dispatch_wire(wire(catalog.TABLE_CREATE_END.event_type_str,
                                    catalog.table_payload()
                                    .obj_to_primitive()))
        self.assertEqual(['end'], [g[0] for g in endpoint.got])
        self.assertEqual(1, endpoint.stats['filtered'])

    def test_a_dedup_store_that_fails_hands_the_message_over(self):
        class Broken:
            def claim(self, message_id):
                raise errors.DatabaseError('url', 'x', 'down')
        endpoint = Recorder(dedup=Broken())
        endpoint.dispatch_wire(table_message())
        self.assertEqual(1, len(endpoint.got))
        self.assertEqual(1, endpoint.stats['dedup_errors'])

    def test_on_undecodable_sees_the_envelope(self):
        seen = []

        class Hooked(Recorder):
            def on_undecodable(self, exc, meta):
                seen.append((type(exc).__name__, meta.event_type))
        Hooked().dispatch_wire(bump(table_message(), '3.0'))
        self.assertEqual([('PayloadVersionError',
                           'unitcat.table.create.start')], seen)


def fake_transport():
    conf = tidings_conf.new_conf()
    return oslo_messaging.get_notification_transport(conf, url='fake://')


def send(transport, message, topic='t', ctxt=None):
    transport._send_notification(
        oslo_messaging.Target(topic='%s.%s' % (topic,
                                               message['priority'].lower())),
        ctxt or {}, message, 2.0)


class TestEndpointInAListener(testtools.TestCase):
    """A real oslo.messaging listener over the fake:// transport."""

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(
            name='tidings.consumer.endpoint'))

    def listen(self, endpoint, transport, **kwargs):
        server = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic='t')], [endpoint],
            executor='threading', **kwargs)
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        return server

    def wait_for(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(predicate())

    def test_decoded_deduplicated_and_filtered(self):
        transport = fake_transport()
        self.addCleanup(transport.cleanup)
        endpoint = Recorder(dedup=dedup_mod.MemoryDeduplicator(100),
                            filter_rule=oslo_messaging.NotificationFilter(
                                event_type=r'unitcat\.table\..*'))
        self.listen(endpoint, transport)
        start = table_message()
        end = wire(catalog.TABLE_CREATE_END.event_type_str,
                   catalog.table_payload().obj_to_primitive())
        major = bump(table_message(), '2.0')
        other = wire('unitcat.req.table_create.error.404',
                     catalog.table_payload().obj_to_primitive(), 'ERROR')
        for message in (start, major, start, other, end, end):
            send(transport, message, ctxt={'request_id': 'req-9'})
        self.wait_for(lambda: len(endpoint.got) == 2 and
                      endpoint.stats['duplicates'] == 2)
        self.assertEqual(['start', 'end'], [g[0] for g in endpoint.got])
        self.assertEqual('req-9', endpoint.got[0][2].context['request_id'])
        self.assertEqual(1, endpoint.stats['undecodable'])

    def test_two_pools_each_get_every_message(self):
        transport = fake_transport()
        self.addCleanup(transport.cleanup)
        first, second = Recorder(), Recorder()
        self.listen(first, transport, pool='a')
        self.listen(second, transport, pool='b')
        send(transport, table_message())
        self.wait_for(lambda: len(first.got) == 1 and len(second.got) == 1)

