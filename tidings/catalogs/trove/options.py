"""Options of the ``[trove]`` group: the trove catalog's periodic
notifications (``trove.instance.exists`` and ``trove.quota``).

The catalog owns its options; the core ``tidings.conf`` knows no catalog.
They are found through the ``oslo.config.opts`` entry point
``tidings.trove = tidings.catalogs.trove.options:list_opts`` (setup.cfg):
``oslo-config-generator --namespace tidings.trove`` documents them,
``tidings.conf.register_opts``/``check`` (so ``tidings config validate``
and the Notifier's startup check) register and check them with every
installed catalog's, and :mod:`tidings.catalogs.trove.periodic` registers
them itself before reading them.  This module keeps the contract of a
``tidings.conf`` option module: ``GROUP``, ``OPTS``, ``register_opts``,
``list_opts`` and ``validate``.
"""

from oslo_config import cfg

from tidings import conf as tidings_conf
from tidings.objects import errors

GROUP = cfg.OptGroup(
    'trove', title='trove catalog',
    help='Periodic notifications of the trove catalog.')

OPTS = [
    cfg.IntOpt(
        'exists_notification_interval', default=-1,
        help='Seconds between periodic trove.instance.exists notifications '
             '(one per active instance per audit period); < 0 disables '
             'them, 0 is not accepted.'),
    cfg.IntOpt(
        'quota_notification_interval', default=-1,
        help='Seconds between periodic trove.quota notifications (one per '
             'tenant and resource); < 0 disables them, 0 is not accepted.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)


def validate(conf):
    """An interval of 0 would spin: refuse it at startup.  Returns the
    problems (``tidings.conf.check`` collects them)."""
    out = []
    for opt in OPTS:
        try:
            value = getattr(conf.trove, opt.dest)
        except (cfg.Error, ValueError):
            continue   # malformed: tidings.conf.check reports it
        if value == 0:
            out.append(errors.ConfigError(
                GROUP.name, opt.name, value,
                'a number of seconds > 0, or < 0 to disable; 0 is not '
                'accepted'))
    return out
