"""Options of the ``[notifications]`` group: routing and filtering."""

from oslo_config import cfg

from tidings import conf as tidings_conf

#: The default of ``redact_context_keys``: the keys oslo.context's
#: ``redacted_copy()`` clears, and the usual names of credentials.
REDACT_CONTEXT_KEYS = (
    'auth_token', 'auth_token_info', 'service_token', 'token', '*_token',
    'password', '*_password', 'passphrase', 'secret', '*_secret',
    'private_key', '*_private_key', 'credential', 'credentials',
    'x-auth-token', 'x-service-token',
)

GROUP = cfg.OptGroup(
    'notifications', title='tidings notifications',
    help='Which backends deliver notifications and which events they get.')

OPTS = [
    cfg.ListOpt(
        'backends', default=['log'],
        help='Backends that deliver notifications, by plugin name (entry '
             'point namespace "tidings.backends"). Installed with tidings: '
             'log, noop, memory, jsonfile, database, messaging, statsd.'),
    cfg.StrOpt(
        'level', default='info',
        help='Lowest level delivered: debug, info, audit, warn, error, '
             'critical or sample ("warning" is accepted for warn). sample '
             'ranks with info.'),
    cfg.ListOpt(
        'include_sources', default=[],
        help='When not empty, only events whose source is listed are '
             'delivered. The source is the one given to notify(), else the '
             'event definition\'s, else publisher_source.'),
    cfg.ListOpt(
        'exclude_sources', default=[],
        help='Events whose source is listed are never delivered.'),
    cfg.ListOpt(
        'disabled_events', default=[],
        help='Events never delivered: event constants or event types; shell '
             'patterns allowed (e.g. "magnetodb.req.*").'),
    cfg.StrOpt(
        'notification_format', default='versioned',
        choices=[('versioned', 'the versioned payload, as Nova sends it'),
                 ('unversioned', 'the flat data dict for legacy consumers'),
                 ('both', 'both forms')],
        help='Payload format on the wire.'),
    cfg.DictOpt(
        'wire_priorities', default={},
        help='Send the events of a level with another priority on the '
             'wire, as level:priority pairs (levels: debug, info, audit, '
             'warn, error, critical, sample), e.g. "audit:info,debug:info". '
             'The priority is the message\'s "priority" key and the '
             'messaging topic suffix (<topic>.<priority>). Ceilometer\'s '
             'event endpoint reads only info and error (its meter endpoint '
             'info and sample) and drops the others: mapping audit and '
             'debug to info makes it store those events. Every consumer '
             'then sees them as info; the "level" option still filters by '
             'the event\'s own level. Default: every event is sent with '
             'its level as priority.'),
    cfg.ListOpt(
        'pin_versions', default=[],
        help='Payload versions to emit during a rolling upgrade, as '
             'PayloadName:MAJOR.MINOR or namespace.PayloadName:MAJOR.MINOR. '
             'The emitter downgrades with obj_make_compatible.'),
    cfg.StrOpt(
        'publisher_source', default=None,
        help='Source part of publisher_id; defaults to the source the '
             'service gives its Notifier.'),
    cfg.HostAddressOpt(
        'publisher_host', default=None, sample_default='<hostname>',
        help='Host part of publisher_id; defaults to the host name.'),
    cfg.StrOpt(
        'publisher_id_format', default='{source}:{host}',
        help='How publisher_id is built from {source} and {host}.'),
    cfg.BoolOpt(
        'include_traceback', default=False,
        help='Put the formatted traceback in ExceptionPayload.traceback.'),
    cfg.ListOpt(
        'redact_context_keys', default=list(REDACT_CONTEXT_KEYS),
        help='Keys of the request context whose values never leave the '
             'process: at every depth of the context, a key matching one '
             'of these shell patterns (case insensitive) is given the '
             'value null before any backend sees the context (the bus, '
             'the outbox, the event database, files, logs). A context '
             'object offering redacted_copy() (oslo.context) is redacted '
             'by it first, as oslo.messaging does. Extend the list rather '
             'than replace it: the default names the keys oslo.context '
             'clears and the usual names of credentials; auth_token, '
             'auth_token_info and service_token are redacted whatever '
             'the list holds.'),
    cfg.StrOpt(
        'state_path', default=None, sample_default='~/.local/state/tidings',
        help='Directory for local state: the default SQLite event database, '
             'the messaging outbox and the JSON file backend. Defaults to '
             '$XDG_STATE_HOME/tidings or ~/.local/state/tidings.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
