"""The payloads of the trove catalog, in namespace ``trove``.

Status payloads (``trove.instance.*``, ``trove.quota``) are written out by
hand; the ``dbaas.<action>.<phase>`` payloads are generated from
:data:`ACTIONS`, one table row per API action, so the appendix of the spec
reads as one page of data instead of ninety classes.

A trait is a payload field.  ``?name`` marks an optional trait (nullable
field: the spec's "(if specified)"), ``name:int`` its Ceilometer type
(text by default; int, float and datetime map to the matching field).
"""

import traceback

from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('trove')

#: The spec's ``dbaas_base_traits``: on every dbaas.* payload.
BASE_TRAITS = ('tenant_id', 'client_ip', 'server_ip', 'server_type',
               'request_id')
#: Who emits: the spec's "(api|task|conductor)".
SERVER_TYPES = ('api', 'task', 'conductor')

_FIELD_TYPES = {
    'text': fields.StringField,
    'int': fields.IntegerField,
    'float': fields.FloatField,
    'datetime': fields.DateTimeField,
}


def parse_traits(spec):
    """``'name ?volume_size:int'`` gives ``{'name': StringField(),
    'volume_size': IntegerField(nullable=True)}`` (in order)."""
    out = {}
    for word in spec.split():
        optional = word.startswith('?')
        name, _, kind = word.lstrip('?').partition(':')
        out[name] = _FIELD_TYPES[kind or 'text'](nullable=optional)
    return out


class TrovePayload(payload_mod.Payload):
    """Base of the trove payloads.

    ``CEILOMETER_TRAITS`` renames a field in the generated Ceilometer
    definitions (``{'instance_id': 'resource_id'}``): the spec's trait
    names where they differ from the payload field.
    """

    CEILOMETER_TRAITS = {}


# -- Status notifications: trove.instance.*, trove.quota ------------------

_TROVE_BASE_TRAITS = parse_traits(
    'tenant_id user_id instance_id instance_type instance_type_id '
    'instance_name state state_description nova_instance_id service_id '
    'launched_at:datetime created_at:datetime region')
_TROVE_COMMON_TRAITS = parse_traits(
    'name ?availability_zone instance_size:int ?volume_size:int '
    '?nova_volume_id ?cluster_id')


@OBJECTS.register
class InstanceStatusPayload(TrovePayload):
    """The spec's ``trove_base_traits`` of every instance status
    notification, plus tenant_id ("Upgrade Implications")."""

    VERSION = '1.0'
    CEILOMETER_TRAITS = {'instance_id': 'resource_id'}
    fields = dict(_TROVE_BASE_TRAITS)


@OBJECTS.register
class InstancePayload(InstanceStatusPayload):
    """Base and ``trove_common_traits``: ``trove.instance.create``."""

    VERSION = '1.0'
    fields = dict(_TROVE_BASE_TRAITS, **_TROVE_COMMON_TRAITS)


@OBJECTS.register
class InstanceDeletePayload(InstancePayload):
    """``trove.instance.delete``: when the deletion completed."""

    VERSION = '1.0'
    fields = dict(InstancePayload.fields,
                  **parse_traits('deleted_at:datetime'))


@OBJECTS.register
class InstanceModifyVolumePayload(InstancePayload):
    """``trove.instance.modify_volume``: the size before the resize."""

    VERSION = '1.0'
    fields = dict(InstancePayload.fields, **parse_traits(
        'old_volume_size:int modify_at:datetime'))


@OBJECTS.register
class InstanceModifyFlavorPayload(InstancePayload):
    """``trove.instance.modify_flavor``: the RAM before the resize."""

    VERSION = '1.0'
    fields = dict(InstancePayload.fields, **parse_traits(
        'old_instance_size:int modify_at:datetime'))


@OBJECTS.register
class InstanceExistsPayload(InstanceStatusPayload):
    """``trove.instance.exists``: one active instance in an audit period."""

    VERSION = '1.0'
    fields = dict(InstanceStatusPayload.fields, **parse_traits(
        'display_name audit_period_beginning:datetime '
        'audit_period_ending:datetime'))


@OBJECTS.register
class QuotaPayload(TrovePayload):
    """``trove.quota``: one tenant's use of one quota resource.

    ``resource`` is ``instances``, ``volumes`` or ``backups`` today (a
    string, so a new resource is no version bump); ``updated`` is unset
    when the resource was never allocated.
    """

    VERSION = '1.0'
    fields = parse_traits(
        'tenant_id resource in_use:int reserved:int limit:int '
        '?updated:datetime')


# -- API notifications: dbaas.<action>.start|end|error --------------------

@OBJECTS.register
class DBaaSPayload(TrovePayload):
    """The spec's ``dbaas_base_traits``; also the payload of every
    ``.end`` event that adds no trait of its own.

    ``client_ip`` and ``server_ip`` are ``ip:port`` strings.
    """

    VERSION = '1.0'
    fields = dict(parse_traits(
        'tenant_id client_ip server_ip server_type request_id'),
        server_type=fields.EnumField(SERVER_TYPES))


@OBJECTS.register
class DBaaSErrorPayload(DBaaSPayload):
    """Base traits plus ``message`` (the exception's message) and
    ``exception`` (its formatted stack trace): every ``.error`` event that
    adds no trait of its own."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, **parse_traits('message exception'))

    def set_exception(self, exc):
        """Fill message and exception from ``exc`` (raised or not)."""
        self.message = str(exc)
        self.exception = ''.join(traceback.format_exception(
            type(exc), exc, exc.__traceback__))
        return self


#: One row per dbaas action of the spec's appendix:
#: ``(action, start traits, end traits, error traits, Python API)``.
#: Base traits are implied; error events add message and exception.
ACTIONS = (
    ('instance_create',
     'name flavor datastore ?datastore_version ?databases ?users '
     '?volume_size:int ?restore_point ?availability_zone ?replica_of '
     '?replica_count:int',
     'instance_id', '?instance_id', 'instances.create'),
    ('instance_restart', 'instance_id', '', '', 'instances.restart'),
    ('instance_resize_volume', 'instance_id new_size:int', '', '',
     'instances.resize_volume'),
    ('instance_resize_instance', 'instance_id new_flavor_id', '', '',
     'instances.resize_instance'),
    ('instance_promote', 'instance_id', '', '',
     'instances.promote_to_replica_source'),
    ('instance_eject', 'instance_id', '', '',
     'instances.eject_replica_source'),
    ('instance_delete', 'instance_id', '', '', 'instances.delete'),
    ('instance_detach', 'instance_id', '', '',
     'instances.edit(detach_replica_source=True)'),
    ('instance_attach_configuration', 'instance_id configuration_id', '',
     '', 'instances.modify'),
    ('instance_detach_configuration', 'instance_id', '', '',
     'instances.edit(remove_configuration=True)'),
    ('cluster_create', 'name datastore datastore_version', 'cluster_id', '',
     'clusters.create'),
    ('cluster_delete', 'cluster_id', '', '', 'clusters.delete'),
    ('cluster_add_shard', 'cluster_id', '', '', 'clusters.add_shard'),
    ('cluster_grow', 'cluster_id', '', '', 'clusters.grow'),
    ('cluster_shrink', 'cluster_id', '', '', 'clusters.shrink'),
    ('backup_create', 'name instance_id ?description ?parent_id',
     'backup_id', '', 'backups.create'),
    ('backup_delete', 'backup_id', '', '', 'backups.delete'),
    ('database_create', 'instance_id dbname', '', '', 'databases.create'),
    ('database_delete', 'instance_id dbname', '', '', 'databases.delete'),
    ('user_create', 'instance_id username', '', '', 'users.create'),
    ('user_delete', 'instance_id username', '', '', 'users.delete'),
    ('user_update_attributes', 'instance_id username', '', '',
     'users.update_attributes'),
    ('user_grant', 'instance_id username database', '', '', 'users.grant'),
    ('user_revoke', 'instance_id username database', '', '',
     'users.revoke'),
    ('user_change_password', 'instance_id username', '', '',
     'users.change_password'),
    ('configuration_create', 'name ?datastore ?datastore_version',
     'configuration_id', '', 'configurations.create'),
    ('configuration_delete', 'configuration_id', '', '',
     'configurations.delete'),
    ('configuration_update', 'configuration_id ?name ?description', '', '',
     'configurations.update'),
    ('configuration_edit', 'configuration_id', '', '',
     'configurations.edit'),
)

#: ``{(action, phase): payload class}`` for every dbaas event.
ACTION_PAYLOADS = {}


def class_name(action, phase):
    """``('instance_create', 'start')`` gives
    ``InstanceCreateStartPayload``."""
    return ''.join(w.capitalize() for w in action.split('_')) + \
        phase.capitalize() + 'Payload'


def _make_payload(action, phase, traits, api):
    parent = DBaaSErrorPayload if phase == 'error' else DBaaSPayload
    if not traits:
        return parent
    name = class_name(action, phase)
    cls = type(name, (parent,), {
        'VERSION': '1.0',
        'fields': dict(parent.fields, **parse_traits(traits)),
        '__module__': __name__,
        '__qualname__': name,
        '__doc__': 'The payload of ``dbaas.%s.%s`` (%s).' % (
            action, phase, api),
    })
    OBJECTS.register(cls)
    globals()[name] = cls
    return cls


for _row in ACTIONS:
    for _phase, _traits in zip(('start', 'end', 'error'), _row[1:4],
                               strict=True):
        ACTION_PAYLOADS[_row[0], _phase] = _make_payload(
            _row[0], _phase, _traits, _row[4])
del _row, _phase, _traits
