"""Options of the ``[magnetodb]`` group: the MagnetoDB catalog's periodic
usage notification.

The catalog owns its options; the core ``tidings.conf`` knows no catalog.
They are found through the ``oslo.config.opts`` entry point
``tidings.magnetodb = tidings.catalogs.magnetodb.options:list_opts``
(setup.cfg): ``oslo-config-generator --namespace tidings.magnetodb``
documents them, ``tidings.conf.register_opts``/``check`` (so ``tidings
config validate`` and the Notifier's startup check) register and check
them with every installed catalog's, and
:mod:`tidings.catalogs.magnetodb.usage` registers them itself before
reading them.  This module keeps the contract of a ``tidings.conf``
option module: ``GROUP``, ``OPTS``, ``register_opts`` and ``list_opts``.
"""

from oslo_config import cfg
from oslo_config import types

from tidings import conf as tidings_conf


class Interval(types.Integer):
    """Seconds between periodic notifications; < 0 disables, 0 is refused
    (it would mean "as fast as possible", never what is meant)."""

    def __init__(self):
        super().__init__(type_name='interval')

    def __call__(self, value):
        value = super().__call__(value)
        if value == 0:
            raise ValueError('0 is not accepted: a number of seconds > 0, '
                             'or < 0 to disable')
        return value


GROUP = cfg.OptGroup(
    'magnetodb', title='MagnetoDB catalog',
    help='Periodic notifications of the bundled MagnetoDB catalog.')

OPTS = [
    cfg.Opt(
        'usage_notification_interval', type=Interval(), default=-1,
        help='Seconds between two magnetodb.table.usage audit periods (one '
             'notification per table per period). Below 0 disables them '
             '(the default, as magnetodb-notification says); 0 is an '
             'error.'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)
