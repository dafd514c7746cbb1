"""The periodic ``trove.instance.exists`` and ``trove.quota``
notifications.

Each is a :class:`~tidings.notifications.periodic.PeriodicTask` whose
interval comes from the ``[trove]`` group (< 0 disables it, the default),
registered here from :mod:`tidings.catalogs.trove.options`::

    task = periodic.exists_task(notifier, conf, active_instances)
    task.start()            # no-op when disabled

``active_instances(start, end)`` yields :class:`InstanceExistsPayload`
objects (or dicts of their fields); the audit period fields are filled
from the period when left unset.  ``quota_usages(start, end)`` yields
:class:`QuotaPayload` objects or dicts, one per tenant and resource.
"""

from tidings.catalogs.trove import events
from tidings.catalogs.trove import options
from tidings.catalogs.trove import payloads
from tidings import conf as tidings_conf
from tidings.notifications import periodic


def _payloads(cls, items, start=None, end=None):
    for item in items or ():
        context = None
        if isinstance(item, tuple):
            item, context = item
        if isinstance(item, dict):
            item = cls(**item)
        if start is not None and not item.obj_attr_is_set(
                'audit_period_beginning'):
            item.audit_period_beginning = start
        if end is not None and not item.obj_attr_is_set(
                'audit_period_ending'):
            item.audit_period_ending = end
        yield (item, context) if context is not None else item


def exists_task(notifier, conf, active_instances):
    """The ``trove.instance.exists`` task, every
    ``[trove] exists_notification_interval`` seconds."""
    def collect(start, end):
        return _payloads(payloads.InstanceExistsPayload,
                         active_instances(start, end), start, end)
    tidings_conf.register_module(conf, options)
    return periodic.PeriodicTask(
        notifier, events.EVENTS['EVENT_TYPE_TROVE_INSTANCE_EXISTS'],
        conf.trove.exists_notification_interval, collect,
        option=('trove', 'exists_notification_interval'))


def quota_task(notifier, conf, quota_usages):
    """The ``trove.quota`` task, every ``[trove]
    quota_notification_interval`` seconds."""
    def collect(start, end):
        return _payloads(payloads.QuotaPayload, quota_usages(start, end))
    tidings_conf.register_module(conf, options)
    return periodic.PeriodicTask(
        notifier, events.EVENTS['EVENT_TYPE_DBAAS_QUOTAS'],
        conf.trove.quota_notification_interval, collect,
        option=('trove', 'quota_notification_interval'))
