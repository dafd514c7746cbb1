"""The periodic ``magnetodb.table.usage`` notification.

magnetodb-notification: one notification per user table (secondary
indexes included) active during the audit period, from a cron-like task,
disabled by default.  The service says which tables were active; this
module stamps the audit period on each and emits them::

    task = usage_task(notifier, conf, active_tables)
    task.start()   # does nothing while the interval is < 0

``active_tables(period_start, period_end)`` yields, per table, a
:class:`~tidings.catalogs.magnetodb.payloads.TablePayload` or a dict of its
fields (tenant_id, user_id, table_name, table_schema, state, disk_gb,
message).
"""

from tidings.catalogs.magnetodb import events
from tidings.catalogs.magnetodb import options
from tidings.catalogs.magnetodb import payloads
from tidings import conf as tidings_conf
from tidings.notifications import periodic

OPTION = ('magnetodb', 'usage_notification_interval')


def usage_payload(table, period_start, period_end):
    """A TableUsagePayload for ``table`` over the audit period."""
    if isinstance(table, payloads.TablePayload):
        table = {name: getattr(table, name) for name in table.fields
                 if table.obj_attr_is_set(name)}
    payload = payloads.TableUsagePayload(**table)
    payload.audit_period_beginning = period_start
    payload.audit_period_ending = period_end
    return payload


def usage_task(notifier, conf, active_tables, clock=None):
    """A PeriodicTask emitting ``magnetodb.table.usage`` every
    ``[magnetodb] usage_notification_interval`` seconds.

    ``notifier`` must include the magnetodb catalog.  The interval is
    checked now: 0 raises ConfigError.
    """
    tidings_conf.register_module(conf, options)

    def collect(period_start, period_end):
        for table in active_tables(period_start, period_end) or ():
            yield usage_payload(table, period_start, period_end)

    return periodic.PeriodicTask(
        notifier, events.EVENT_TYPE_TABLE_USAGE,
        conf.magnetodb.usage_notification_interval, collect,
        name='magnetodb-table-usage', option=OPTION, clock=clock)
