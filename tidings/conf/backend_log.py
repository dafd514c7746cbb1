"""Options of the ``[backend_log]`` group."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup('backend_log', title='log backend',
                     help='One log line per notification of an event '
                          'that asks for the log mechanism.')

OPTS = [
    cfg.StrOpt('logger_name', default='tidings.notifications',
               help='Python logger that receives the lines.'),
    cfg.StrOpt('line_format', default='text',
               choices=[('text', 'priority, event type, publisher, id, '
                                 'payload JSON'),
                        ('json', 'the whole wire message as JSON')],
               help='How each notification is written.'),
    cfg.BoolOpt('all_events', default=False,
                help='Log every notification, whatever delivery '
                     'mechanisms its event asks for (to see everything a '
                     'service emits while debugging).  By default only '
                     'events that ask for the log mechanism are logged.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
