"""Publisher: ``publisher_id`` from source and host."""

import socket

import testtools

from tidings.notifications import publisher
from tidings.objects import errors


class TestPublisher(testtools.TestCase):

    def test_default_format_is_source_colon_host(self):
        self.assertEqual('infra-optim:node-1', publisher.Publisher(
            'infra-optim', 'node-1').publisher_id)

    def test_host_defaults_to_the_host_name(self):
        self.assertEqual('api:' + socket.gethostname(),
                         publisher.Publisher('api').publisher_id)

    def test_custom_format(self):
        self.assertEqual('node-1.api', publisher.Publisher(
            'api', 'node-1', '{host}.{source}').publisher_id)

    def test_unknown_placeholder_is_a_config_error(self):
        exc = self.assertRaises(errors.ConfigError, publisher.Publisher,
                                'api', 'h', '{service}:{host}')
        self.assertIn('publisher_id_format', str(exc))
        self.assertIn('{source}, {host}', str(exc))

    def test_empty_source_is_rejected(self):
        exc = self.assertRaises(errors.TidingsError, publisher.Publisher, '')
        self.assertIn('non-empty string', str(exc))

    def test_with_source_keeps_host_and_format(self):
        pub = publisher.Publisher('api', 'h', '{host}/{source}')
        self.assertEqual('h/worker', pub.with_source('worker').publisher_id)

    def test_equal_by_publisher_id(self):
        self.assertEqual(publisher.Publisher('a', 'h'),
                         publisher.Publisher('a', 'h'))
