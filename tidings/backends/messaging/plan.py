"""The configuration, read: its checks, and from it to a publisher
(which one, with what arguments, what it guarantees, and what the
operator should know about it).

:func:`check` runs the startup checks of ``[backend_messaging]`` that
``tidings config validate`` runs too (topics, transport URL, outbox,
retry intervals), without connecting; :func:`notes` says what a valid
configuration means for delivery.

:func:`plan_sender` reads ``[backend_messaging]``, the transport URL and
``[oslo_messaging_rabbit]`` and returns a :class:`SenderPlan`; the
backend loads the plan's publisher plugin (see
:mod:`tidings.backends.messaging.publishers`).  :func:`describe_failure`
says, in operator words, why the broker did not take a message.
"""

import importlib.metadata
import socket

import amqp

from tidings import conf as tidings_conf
from tidings.backends import dbschema
from tidings.backends.messaging import publishers
from tidings.conf import _checks as conf_checks
from tidings.objects import errors
from tidings.objects import schema as schema_mod
from tidings.objects import urls

GROUP = 'backend_messaging'

#: The publisher plugin (``tidings.messaging.publishers``) of each
#: :attr:`SenderPlan.mode`, the name operators see in ``stats()``.
PUBLISHERS = {'pipeline': 'rabbit', 'oslo': 'oslo'}


def oslo_messaging():
    """oslo.messaging, imported on first use, with its option lists."""
    import oslo_messaging
    import oslo_messaging.opts  # noqa: F401  (list_opts, not imported
    return oslo_messaging       # by the package itself)


# the configuration's checks (tidings config validate runs them)


def check(conf):
    """The startup checks of ``[backend_messaging]`` (routes, transport
    URL, outbox, retry intervals), without connecting."""
    tidings_conf.register_opts(conf)
    group = conf[GROUP]
    problems = route_errors(conf, group)
    problems += url_errors(conf, transport_url(conf, group))[1]
    problems += outbox_errors(conf, group)
    problems += retry_errors(group)
    return problems


def retry_errors(group):
    """The checks of the broker between two tries: the longest wait is
    not shorter than the first."""
    if group.retry_interval_max < group.retry_interval:
        return [errors.ConfigError(
            GROUP, 'retry_interval_max', group.retry_interval_max,
            'expected at least retry_interval (%s): the wait between two '
            'checks of a broker that is down grows from retry_interval to '
            'retry_interval_max' % group.retry_interval)]
    return []


def notes(conf):
    """What a valid configuration means for delivery, in operator words:
    the guarantee, a path slower than the pipeline and why, queues a
    broker restart empties.  Logged at startup and shown by ``tidings
    config validate``; [] when there is nothing to say (or the options
    do not parse: :func:`check` reports those)."""
    tidings_conf.register_opts(conf)
    group = conf[GROUP]
    parsed, problems = url_errors(conf, transport_url(conf, group))
    if problems or parsed is None:
        return []
    return plan_sender(conf, group, parsed).notes


def routes(conf, group):
    """The topics of each wire format (raises ConfigErrors)."""
    problems = route_errors(conf, group)
    if problems:
        raise errors.ConfigErrors(problems)
    return {schema_mod.VERSIONED: tuple(group.topics),
            schema_mod.UNVERSIONED: tuple(
                group.unversioned_topics)}

def route_errors(conf, group):
    """The topics' checks: names without spaces, one at least for each
    format ``[notifications] notification_format`` publishes."""
    fmt = conf.notifications.notification_format
    out = []
    wanted = {schema_mod.VERSIONED: ('topics', group.topics),
              schema_mod.UNVERSIONED: ('unversioned_topics',
                                       group.unversioned_topics)}
    needed = {'versioned': ['versioned'], 'unversioned': ['unversioned'],
              'both': ['versioned', 'unversioned']}[fmt]
    for kind, (option, topics) in wanted.items():
        for topic in topics:
            if not topic or any(c.isspace() for c in topic):
                out.append(errors.ConfigError(
                    GROUP, option, topic,
                    'a topic is a non-empty name without spaces, e.g. '
                    'versioned_notifications'))
        if kind in needed and not topics:
            out.append(errors.ConfigError(
                GROUP, option, '',
                'at least one topic is needed when [notifications] '
                'notification_format is %s' % fmt))
    return out

def outbox_errors(conf, group):
    """The outbox URL (or the default SQLite file in state_path),
    checked without creating it."""
    if group.outbox_url is None:
        return tidings_conf.state_path_errors(conf, 'outbox.sqlite')
    return dbschema.url_errors(group.outbox_url, GROUP, 'outbox_url')

def transport_url(conf, group):
    """``[backend_messaging] transport_url``, else oslo.messaging's own."""
    if group.transport_url:
        return group.transport_url
    # oslo.messaging's own: [oslo_messaging_notifications]
    # transport_url, else [DEFAULT] transport_url.
    for grp, opts in oslo_messaging().opts.list_opts():
        names = {o.dest for o in opts}
        if grp == 'oslo_messaging_notifications':
            conf.register_opts(opts, group=grp)
        elif grp is None and 'transport_url' in names:
            conf.register_opts([o for o in opts
                                if o.dest in ('transport_url',
                                              'control_exchange')])
    return (conf.oslo_messaging_notifications.transport_url
            or conf.transport_url)

def check_url(conf, url):
    """The parsed transport URL (raises ConfigErrors)."""
    parsed, problems = url_errors(conf, url)
    if problems:
        raise errors.ConfigErrors(problems)
    return parsed

def url_errors(conf, url):
    """``(parsed URL or None, [ConfigError])`` for a transport URL:
    missing, unparsable, an unknown transport, a port out of
    1-65535."""
    om = oslo_messaging()
    if not url:
        return None, [errors.ConfigError(
            GROUP, 'transport_url', '',
            'no transport URL: set it here or in [DEFAULT] '
            'transport_url, e.g. rabbit://user:pass@host:5672/')]
    masked = urls.mask_url(url)
    ports = conf_checks.url_port_errors(GROUP, 'transport_url', url)
    if ports:
        return None, ports
    try:
        parsed = om.TransportURL.parse(conf, url)
    except Exception as exc:
        return None, [errors.ConfigError(
            GROUP, 'transport_url', masked,
            'not a transport URL (%s); expected e.g. '
            'rabbit://user:pass@host:5672/' % exc)]
    drivers = sorted({ep.name for ep in importlib.metadata.entry_points(
        group='oslo.messaging.drivers')})
    out = []
    if parsed.transport not in drivers:
        out.append(errors.ConfigError(
            GROUP, 'transport_url', masked,
            'unknown transport %r; installed oslo.messaging transports: '
            '%s' % (parsed.transport, ', '.join(drivers))))
    for host in parsed.hosts:
        problem = conf_checks.port_problem(host.port)
        if problem:
            out.append(errors.ConfigError(GROUP, 'transport_url',
                                          masked, problem))
    return parsed, out


class SenderPlan:
    """Which sender a configuration gets, what it guarantees, and what
    the operator should know about it (``notes``)."""

    def __init__(self, mode, guarantee, exchange, options=None,
                 notes=()):
        self.mode = mode              # 'pipeline' or 'oslo'
        #: the publisher plugin's name (see PUBLISHERS)
        self.publisher = PUBLISHERS[mode]
        self.guarantee = guarantee    # one of publishers.GUARANTEES
        self.exchange = exchange
        self.options = options or {}  # the rabbit publisher's arguments
        self.notes = list(notes)


#: oslo.messaging transports whose driver waits for the broker's
#: acknowledgement of each message.
CONFIRMING_TRANSPORTS = ('rabbit', 'kombu')


def _rabbit_conf(conf):
    om = oslo_messaging()
    for grp, opts in om.opts.list_opts():
        if grp == 'oslo_messaging_rabbit':
            conf.register_opts(opts, group=grp)
        elif grp is None:
            conf.register_opts([o for o in opts
                                if o.dest == 'control_exchange'])
    return conf.oslo_messaging_rabbit


def queue_arguments(rabbit):
    """The ``x-`` arguments oslo.messaging's rabbit driver gives the
    default notification queues, from ``[oslo_messaging_rabbit]``."""
    args = {}
    if rabbit.rabbit_ha_queues:
        args['x-ha-policy'] = 'all'
    if rabbit.rabbit_quorum_queue:
        args['x-queue-type'] = 'quorum'
        for option, key in (
                ('rabbit_quorum_delivery_limit', 'x-delivery-limit'),
                ('rabbit_quorum_max_memory_length',
                 'x-max-in-memory-length'),
                ('rabbit_quorum_max_memory_bytes',
                 'x-max-in-memory-bytes')):
            value = getattr(rabbit, option, 0)
            if value:
                args[key] = value
    return args


#: ``[oslo_messaging_rabbit] ssl_version`` values, as oslo.messaging reads
#: them, and the ``ssl`` module's protocol each names.
SSL_VERSIONS = {'tlsv1': 'PROTOCOL_TLSv1', 'tlsv1_1': 'PROTOCOL_TLSv1_1',
                'tlsv1_2': 'PROTOCOL_TLSv1_2', 'sslv23': 'PROTOCOL_SSLv23'}


def ssl_options(rabbit):
    """py-amqp's ``ssl`` argument from ``[oslo_messaging_rabbit] ssl*``,
    as oslo.messaging builds it for kombu (False without TLS)."""
    if not rabbit.ssl:
        return False
    import ssl
    out = {}
    if rabbit.ssl_version:
        out['ssl_version'] = getattr(ssl, SSL_VERSIONS[
            rabbit.ssl_version.lower()])
    if rabbit.ssl_key_file:
        out['keyfile'] = rabbit.ssl_key_file
    if rabbit.ssl_cert_file:
        out['certfile'] = rabbit.ssl_cert_file
    if rabbit.ssl_ca_file:
        out['ca_certs'] = rabbit.ssl_ca_file
        out['cert_reqs'] = ssl.CERT_REQUIRED
    return out or True


def plan_sender(conf, group, parsed):
    """The :class:`SenderPlan` of a configuration: the pipelined sender
    on rabbit with whatever queue type, TLS and hosts the operator set in
    ``[oslo_messaging_rabbit]``; oslo.messaging's driver otherwise, with
    the reason (and, for a transport without confirms, at-most-once)."""
    notes = []
    exchange = group.exchange or getattr(conf, 'control_exchange', None) \
        or 'openstack'
    if parsed.transport == 'fake':
        # oslo.messaging's in-process test driver: delivered, or raised,
        # before the call returns.
        return SenderPlan('oslo', 'confirmed', exchange)
    if parsed.transport not in CONFIRMING_TRANSPORTS:
        notes.append(
            'transport %s:// confirms nothing: delivery is at-most-once (a '
            'message the driver fails to send is not kept in the outbox '
            'and not counted failed; stats() counts such messages '
            'unconfirmed, never sent); use rabbit:// for at-least-once'
            % parsed.transport)
        return SenderPlan('oslo', 'at-most-once', exchange, notes=notes)
    rabbit = _rabbit_conf(conf)
    exchange = group.exchange or conf.control_exchange
    durable = rabbit.amqp_durable_queues or rabbit.rabbit_quorum_queue
    if not durable:
        notes.append(
            '[oslo_messaging_rabbit] amqp_durable_queues = false (and '
            'rabbit_quorum_queue = false): the notification queues are not '
            'durable, so a broker restart loses confirmed notifications no '
            'consumer took yet; set rabbit_quorum_queue = true (a cluster) '
            'or amqp_durable_queues = true')
    reason = None
    if not group.pipeline:
        reason = '[%s] pipeline = false' % GROUP
    elif rabbit.kombu_compression:
        reason = ('[oslo_messaging_rabbit] kombu_compression = %s (the '
                  'pipeline does not compress)' % rabbit.kombu_compression)
    elif parsed.query:
        reason = ('the transport URL has query options (%s) the pipeline '
                  'does not read' % ', '.join(sorted(parsed.query)))
    elif not parsed.hosts:
        reason = 'the transport URL names no host'
    elif rabbit.ssl and rabbit.ssl_version and \
            rabbit.ssl_version.lower() not in SSL_VERSIONS:
        reason = ('[oslo_messaging_rabbit] ssl_version = %s is none of %s'
                  % (rabbit.ssl_version, ', '.join(sorted(SSL_VERSIONS))))
    elif rabbit.rabbit_quorum_queue and rabbit.rabbit_ha_queues:
        reason = ('[oslo_messaging_rabbit] rabbit_quorum_queue and '
                  'rabbit_ha_queues are both true (oslo.messaging refuses '
                  'that)')
    if reason is not None:
        if group.pipeline:
            notes.append(
                'publishing through oslo.messaging\'s rabbit driver, which '
                'waits for each publisher confirm in turn (about ten times '
                'fewer messages/s than the pipeline), because %s' % reason)
        return SenderPlan('oslo', 'confirmed', exchange, notes=notes)
    hosts = [(h.hostname or '127.0.0.1', h.port or 5672,
              h.username or 'guest', h.password or 'guest')
             for h in parsed.hosts]
    return SenderPlan('pipeline', 'routed', exchange, dict(
        hosts=hosts, virtual_host=parsed.virtual_host or '/',
        exchange=exchange, durable=durable,
        auto_delete=rabbit.amqp_auto_delete,
        timeout=group.publish_timeout, window=group.confirm_window,
        queue_arguments=queue_arguments(rabbit), ssl=ssl_options(rabbit)),
        notes)


def describe_failure(exc):
    """Say why the broker did not take a message, in operator words."""
    if isinstance(exc, publishers.PublishError):
        exc = exc.cause
    text = '%s: %s' % (type(exc).__name__, exc)
    if isinstance(exc, amqp.exceptions.AccessRefused) or \
            'ACCESS_REFUSED' in str(exc) or 'authentication' in str(
                exc).lower():
        return 'refused the credentials (%s); check the user and password' \
            % text
    if isinstance(exc, amqp.exceptions.NotAllowed):
        return 'refused the virtual host (%s)' % text
    if isinstance(exc, socket.gaierror):
        return 'cannot be resolved (%s); check the host name' % text
    if isinstance(exc, ConnectionRefusedError):
        return 'refused the connection (%s); is it running?' % text
    if isinstance(exc, (publishers.ConfirmTimeout, socket.timeout,
                        TimeoutError)):
        return 'does not answer (%s)' % text
    return 'cannot take notifications (%s)' % text
