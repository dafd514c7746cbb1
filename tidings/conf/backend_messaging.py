"""Options of the ``[backend_messaging]`` group: the message bus backend."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup(
    'backend_messaging', title='messaging backend',
    help='Publishes notifications on the message bus (oslo.messaging '
         'transports) off the caller\'s thread; what the broker cannot take '
         'waits in a durable outbox and is replayed in order.')

OPTS = [
    cfg.StrOpt(
        'transport_url', default=None, secret=True,
        sample_default='rabbit://guest:guest@127.0.0.1:5672/',
        help='Transport URL of the broker. Defaults to oslo.messaging\'s '
             'own: [oslo_messaging_notifications] transport_url, else '
             '[DEFAULT] transport_url.'),
    cfg.StrOpt(
        'driver', default='messagingv2',
        choices=[('messagingv2', 'the oslo.messaging 2.0 envelope, as Nova '
                                 'sends versioned notifications'),
                 ('messaging', 'no envelope (message format 1.0), for old '
                               'consumers')],
        help='Message format on the bus.'),
    cfg.ListOpt(
        'topics', default=['versioned_notifications'],
        help='Topics the versioned notifications go to; each message is '
             'published with routing key <topic>.<priority lowercase>.'),
    cfg.StrOpt(
        'exchange', default=None,
        help='Exchange the notifications are published to; defaults to '
             'oslo.messaging\'s [DEFAULT] control_exchange (openstack).'),
    cfg.ListOpt(
        'unversioned_topics', default=['notifications'],
        help='Topics of the unversioned form, sent when [notifications] '
             'notification_format is unversioned or both.'),
    cfg.BoolOpt(
        'pipeline', default=True,
        help='On rabbit:// transports, publish up to confirm_window '
             'messages and wait for their publisher confirms together (the '
             'same AMQP messages oslo.messaging\'s rabbit driver sends). '
             'False sends each message through oslo.messaging\'s driver, '
             'which waits for each confirm in turn (slower). Other '
             'transports always go through oslo.messaging.'),
    cfg.IntOpt(
        'confirm_window', default=256, min=1, max=65535,
        help='Messages published before waiting for their confirms.'),
    cfg.IntOpt(
        'sender_threads', default=1, min=1, max=32,
        help='Sender threads, each with its own queue and connection. A '
             'publisher always uses the same thread, so its order is kept.'),
    cfg.FloatOpt(
        'sender_linger', default=0.002, min=0.0001, max=1.0,
        help='Seconds a sender thread lets notifications gather before it '
             'publishes them, and, while busy, between two looks at its '
             'queue (each wait drawn between half and one and a half '
             'times this, so it never falls into step with callers that '
             'notify at a fixed period). With persist_before_return, the '
             'replay thread waits as long after a batch smaller than '
             'confirm_window (caught up with the callers) before its '
             'next. Longer: fewer, larger batches and a later delivery; '
             'shorter: the reverse.'),
    cfg.IntOpt(
        'queue_size', default=10000, min=1,
        help='Notifications waiting for a sender thread at most (per '
             'thread); beyond it they go to the overflow queue, written '
             'to the outbox by a thread of their own.'),
    cfg.IntOpt(
        'overflow_size', default=10000, min=1,
        help='Notifications that found the queue full, waiting for a '
             'thread to write them to the outbox (the caller never writes '
             'it); beyond it they are dropped, counted and logged once '
             'per burst.'),
    cfg.FloatOpt(
        'publish_timeout', default=2.0, min=0.01,
        help='Seconds to connect, or to get the confirms of a window, '
             'before the broker counts as down and the messages go to the '
             'outbox.'),
    cfg.FloatOpt(
        'retry_interval', default=0.1, min=0.01, max=60.0,
        help='Seconds between two checks of a broker that is down while '
             'notifications wait in the outbox (a check is a connection '
             'and the AMQP handshake, nothing is read from the outbox); '
             'doubled after each failed check up to retry_interval_max, '
             'each wait drawn between 0.75 and 1.25 times that. Short, so '
             'that the replay starts within a fraction of a second of the '
             'broker\'s return.'),
    cfg.FloatOpt(
        'retry_interval_max', default=0.25, min=0.01, max=60.0,
        help='Longest wait between two checks of a broker that is down '
             '(at least retry_interval).'),
    cfg.StrOpt(
        'outbox_url', default=None, secret=True,
        sample_default='sqlite:///$state_path/outbox.sqlite',
        help='SQLAlchemy URL of the durable outbox; defaults to the SQLite '
             'file outbox.sqlite in [notifications] state_path. Any '
             'SQLAlchemy URL works (e.g. the database backend\'s).'),
    cfg.StrOpt(
        'outbox_table', default='tidings_outbox',
        help='Table of the outbox (created when missing).'),
    cfg.IntOpt(
        'outbox_max_rows', default=1000000, min=1,
        help='Messages the outbox holds at most; beyond it (and with the '
             'queue full) notifications are dropped, counted and logged '
             'once per burst.'),
    cfg.FloatOpt(
        'adopt_interval', default=30.0, min=0.0,
        help='Seconds between two looks for outbox rows left by processes '
             'that are gone (another worker sharing the outbox, killed '
             'while the broker was down); this process replays them. 0: '
             'only at startup.'),
    cfg.BoolOpt(
        'persist_before_return', default=False,
        help='Write each notification to the outbox before notify() '
             'returns, and publish from the outbox (deleting each row once '
             'the broker confirms it). The outbox is SQLite in WAL mode '
             'without an fsync per write, so a process killed (kill -9, '
             'OOM) loses nothing; an operating system crash or power loss '
             'may lose the last moments the OS had not written. Costs the '
             'caller one outbox insert per call (the operator guide has '
             'the figures). False (the default): notify() only queues in '
             'memory, and a process killed with kill -9 loses what was '
             'queued or awaiting its confirm at that moment.'),
    cfg.IntOpt(
        'replay_batch', default=2048, min=1, max=32766,
        help='Outbox messages the replay reads and publishes at once: up '
             'to four confirm_window windows of them on the wire ahead of '
             'their confirms, while the next batch is read and the '
             'confirmed rows of the last one are deleted in one '
             'statement.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
