"""Who sent a notification: ``publisher_id`` on the wire."""

import socket

from tidings.objects import errors

DEFAULT_FORMAT = '{source}:{host}'


class Publisher:
    """A source (the service or component) and a host.

    ``publisher_id`` follows ``id_format`` (``{source}:{host}`` by default,
    e.g. ``infra-optim:controller-1``).
    """

    __slots__ = ('source', 'host', 'id_format', 'publisher_id')

    def __init__(self, source, host=None, id_format=DEFAULT_FORMAT):
        if not source or not isinstance(source, str):
            raise errors.TidingsError(
                'Publisher source %r: expected a non-empty string, e.g. '
                '"magnetodb-api"' % (source,))
        self.source = source
        self.host = host or socket.gethostname()
        self.id_format = id_format
        try:
            self.publisher_id = id_format.format(source=self.source,
                                                 host=self.host)
        except (KeyError, IndexError, ValueError) as exc:
            raise errors.ConfigError(
                'notifications', 'publisher_id_format', id_format,
                'placeholders accepted: {source}, {host} (%s)' % exc
            ) from None

    def with_source(self, source):
        return Publisher(source, self.host, self.id_format)

    def __repr__(self):
        return 'Publisher(%r)' % self.publisher_id

    def __eq__(self, other):
        return (isinstance(other, Publisher)
                and other.publisher_id == self.publisher_id)

    def __hash__(self):
        return hash(self.publisher_id)
