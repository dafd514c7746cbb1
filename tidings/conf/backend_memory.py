"""Options of the ``[backend_memory]`` group."""

from oslo_config import cfg

GROUP = cfg.OptGroup('backend_memory', title='in-memory backend',
                     help='Keeps notifications in memory, for tests.')

OPTS = [
    cfg.IntOpt('max_notifications', default=100000, min=1,
               help='Oldest notifications are forgotten past this count.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
