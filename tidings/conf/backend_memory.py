"""Options of the ``[backend_memory]`` group."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup('backend_memory', title='in-memory backend',
                     help='Keeps notifications in memory, for tests.')

OPTS = [
    cfg.IntOpt('max_notifications', default=100000, min=1,
               help='Oldest notifications are forgotten past this count.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
