"""The private hooks of py-amqp and oslo.messaging
(``tidings.backends.messaging.hooks``) exist in the installed versions as
tidings uses them: a release that renames one fails here, naming the
library and version, instead of slowing the messaging backend or breaking
it quietly."""

import unittest.mock

import amqp
import testtools

from tidings.backends.messaging import hooks


class TestInstalledVersions(testtools.TestCase):

    def test_every_hook_is_there(self):
        self.assertEqual([], hooks.problems())

    def test_a_missing_hook_is_named_with_the_library_version(self):
        import oslo_messaging
        with unittest.mock.patch.object(oslo_messaging.Transport,
                                        '_send_notification', None):
            found = hooks.problems()
        self.assertEqual(1, len(found), found)
        self.assertRegex(found[0], r'^oslo\.messaging \d+\.\S+: Transport '
                                   r'has no _send_notification')

    def test_a_changed_signature_is_named(self):
        import oslo_messaging

        def changed(self, target, ctxt, message, version):
            pass
        with unittest.mock.patch.object(oslo_messaging.Transport,
                                        '_send_notification', changed):
            found = hooks.problems()
        self.assertEqual(1, len(found), found)
        self.assertIn('lacks retry', found[0])

    def test_a_reader_that_no_longer_reads_through_the_hook_is_named(self):
        def _read(self, n, initial=False):
            return b''
        with unittest.mock.patch.object(amqp.transport.TCPTransport,
                                        '_read', _read):
            found = hooks.problems()
        self.assertEqual(1, len(found), found)
        self.assertRegex(found[0], r'^amqp \d+\.\S+: TCPTransport\._read no '
                                   r'longer uses self\._quick_recv')


class TestTheHooks(testtools.TestCase):

    def test_no_other_module_reads_the_private_attributes(self):
        import os
        import re
        import tidings
        root = os.path.dirname(tidings.__file__)
        # (``self._transport``: the messaging backend's own attribute)
        private = re.compile(r'(?<!self)\._(send_notification|quick_recv|'
                             r'transport)\b')
        found = []
        for folder, _, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                if not name.endswith('.py') or \
                        path == hooks.__file__:
                    continue
                with open(path, encoding='utf-8') as handle:
                    for number, line in enumerate(handle, 1):
                        code = line.split('#', 1)[0]
                        if private.search(code):
                            found.append('%s:%d: %s' % (
                                os.path.relpath(path, root), number,
                                line.strip()))
        self.assertEqual([], found)

    def test_fewer_syscalls_reads_ahead_on_a_tcp_transport(self):
        sock = unittest.mock.Mock()
        sock.recv.return_value = b'x'
        conn = unittest.mock.Mock()
        conn._transport = unittest.mock.Mock(sock=sock, _quick_recv=None)
        hooks.fewer_syscalls(conn, 2.5)
        sock.settimeout.assert_called_once_with(2.5)
        self.assertEqual(b'x', conn._transport._quick_recv(7))
        sock.recv.assert_called_once_with(65536)

    def test_fewer_syscalls_leaves_a_transport_without_the_hook(self):
        class Transport:
            sock = unittest.mock.Mock()
        conn = unittest.mock.Mock(_transport=Transport())
        hooks.fewer_syscalls(conn, 1.0)
        Transport.sock.settimeout.assert_not_called()

    def test_abort_closes_the_transport_without_the_property(self):
        conn = amqp.Connection('127.0.0.1:1', connect_timeout=0.01)
        transport = unittest.mock.Mock()
        conn._transport = transport
        hooks.abort(conn)
        self.assertTrue(transport.close.called)   # (collect() closes it too)

    def test_send_notification_passes_version_and_retry(self):
        transport = unittest.mock.Mock()
        hooks.send_notification(transport, 't', {}, {'m': 1}, 2.0,
                                        3)
        transport._send_notification.assert_called_once_with(
            't', {}, {'m': 1}, version=2.0, retry=3)
