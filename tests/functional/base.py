"""Shared helpers of the functional tests: real services on this machine.

Outside CI a test whose service is down is skipped with the reason; with
``CI=true`` in the environment a missing service fails the test.
"""

import os
import socket

import testtools

RABBIT_URL = os.environ.get('TIDINGS_TEST_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')
POSTGRES_URL = os.environ.get(
    'TIDINGS_TEST_POSTGRES_URL',
    'postgresql+psycopg2://postgres@127.0.0.1:5432/test')
MARIADB_URL = os.environ.get(
    'TIDINGS_TEST_MARIADB_URL',
    'mysql+pymysql://root@127.0.0.1:3306/test')

#: The test database of each database service.
DATABASE_URLS = {'postgresql': POSTGRES_URL, 'mariadb': MARIADB_URL}

SERVICES = {
    'rabbitmq': ('127.0.0.1', 5672),
    'postgresql': ('127.0.0.1', 5432),
    'mariadb': ('127.0.0.1', 3306),
    'redis': ('127.0.0.1', 6379),
}


def in_ci():
    return os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def port_open(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class FunctionalTestCase(testtools.TestCase):
    """Base class: ``require('rabbitmq')`` skips or fails as CI demands."""

    def require(self, service):
        host, port = SERVICES[service]
        if port_open(host, port):
            return
        self.unavailable('%s is not reachable at %s:%d' % (service, host,
                                                            port))

    def unavailable(self, reason):
        """Skip outside CI; fail under CI=true."""
        if in_ci():
            self.fail('CI=true and a required service is missing: ' + reason)
        self.skipTest(reason)


class DatabaseMixin:
    """Tests on the test database of ``service`` (``postgresql`` or
    ``mariadb``): required in setUp, its URL in ``self.url``."""

    service = None

    def setUp(self):
        super().setUp()
        self.require(self.service)
        self.url = DATABASE_URLS[self.service]
