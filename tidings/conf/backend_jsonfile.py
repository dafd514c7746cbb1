"""Options of the ``[backend_jsonfile]`` group."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup('backend_jsonfile', title='JSON file backend',
                     help='One JSON document per line, rotated by size.')

OPTS = [
    cfg.StrOpt('path', default=None,
               sample_default='<state_path>/notifications.jsonl',
               help='File to append to; defaults to notifications.jsonl in '
                    '[notifications] state_path.'),
    cfg.IntOpt('max_bytes', default=10 * 1024 * 1024, min=0,
               help='Rotate when the file would grow past this size; 0 '
                    'never rotates.'),
    cfg.IntOpt('backup_count', default=5, min=0,
               help='Rotated files kept (path.1 ... path.N).'),
    cfg.IntOpt('queue_size', default=10000, min=1,
               help='Notifications waiting for the writer thread at most.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
