"""Options of the ``[backend_statsd]`` group."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup(
    'backend_statsd', title='StatsD backend',
    help='Counters and timers named by the event definitions, batched '
         'into packets and sent to a StatsD daemon off the caller\'s '
         'thread.')

OPTS = [
    cfg.HostAddressOpt(
        'host', default='127.0.0.1',
        help='StatsD daemon host name or address; resolved lazily by the '
             'sender and again after a failure.'),
    cfg.PortOpt('port', default=8125, min=1,
                help='StatsD daemon port.'),
    cfg.StrOpt(
        'protocol', default='udp',
        choices=[('udp', 'datagrams to host:port (the StatsD default)'),
                 ('tcp', 'a stream to host:port, newline-terminated lines'),
                 ('unix', 'a stream to the Unix socket socket_path, as '
                          'the StatsD daemon\'s tcp server listens on')],
        help='How metrics reach the daemon.'),
    cfg.StrOpt(
        'socket_path', default=None,
        help='Path of the daemon\'s Unix stream socket (protocol unix).'),
    cfg.StrOpt(
        'prefix', default='',
        help='Prepended with a dot to every metric name, e.g. "prod" gives '
             '"prod.mdb.req.create_table".'),
    cfg.FloatOpt(
        'sample_rate', default=1.0, min=0.0, max=1.0,
        help='Fraction of events whose metrics are sent, in (0, 1]; the '
             'daemon scales sampled counters back up.'),
    cfg.IntOpt(
        'max_packet_size', default=1432, min=64, max=65507,
        help='Largest packet in bytes; metrics are newline-joined up to '
             'this size. 1432 fits an Ethernet MTU; 8932 suits jumbo '
             'frames; use less than 512 across the internet.'),
    cfg.FloatOpt(
        'flush_interval', default=0.1, min=0.001, max=60.0,
        help='Seconds a metric may wait for its packet to fill before it '
             'is sent anyway.'),
    cfg.IntOpt(
        'queue_size', default=100000, min=1,
        help='Metrics waiting for the sender; past this, new metrics are '
             'dropped and counted.'),
    cfg.FloatOpt(
        'retry_interval', default=1.0, min=0.0, max=300.0,
        help='After a failed send or name resolution, seconds before the '
             'sender resolves the host and connects again; metrics due in '
             'between are counted as failed.'),
    cfg.FloatOpt(
        'health_interval', default=10.0, min=0.0,
        help='Every this many seconds, send the counters of every backend '
             '(sent, queued, outbox, dropped...) as gauges named '
             'tidings.backend.<backend>.<counter>; 0 disables.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
