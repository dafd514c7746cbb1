"""The event definitions of the trove catalog, with their samples.

Constants are ``EVENT_TYPE_`` plus the event type in upper case with dots
as underscores (``dbaas.instance_create.start`` is
``EVENT_TYPE_DBAAS_INSTANCE_CREATE_START``), except the quota notification:
the spec calls it ``dbaas.quotas`` but gives it the event type
``trove.quota``; its constant keeps the spec's name,
``EVENT_TYPE_DBAAS_QUOTAS``, and the wire carries ``trove.quota``.
"""

import datetime

from tidings.catalogs.trove import payloads
from tidings.notifications import registry

MECHANISMS = ('messaging', 'database', 'log')


def _utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


#: Fixed values the samples use, by trait name (every trait the catalog
#: has is here, so each sample sets every field).
SAMPLE_VALUES = {
    # dbaas base traits
    'tenant_id': '3f6d9d8ba8d1453e9d3a6c1ab1b8a6f2',
    'client_ip': '192.0.2.10:50412',
    'server_ip': '198.51.100.5:8779',
    'server_type': 'api',
    'request_id': 'req-5b1f0c5e-3f5a-4d7c-9a8e-2c4b6d8f0a1b',
    'message': 'Quota exceeded for resources: instances',
    'exception': 'Traceback (most recent call last):\n'
                 '  File "trove/instance/service.py", line 312, in create\n'
                 'QuotaExceeded: Quota exceeded for resources: instances\n',
    # ids
    'instance_id': 'a2d6f1e4-0c3b-4b7e-9f5d-1e2c3b4a5d6e',
    'cluster_id': 'c1a5e7b9-2d4f-4a6c-8e0b-3f5d7a9c1e2b',
    'backup_id': 'b7e2d4c6-1a3f-4e5d-9c8b-0a2f4d6e8c1b',
    'configuration_id': 'e4c2a0b8-6d1f-4c3e-a5b7-9d2f0e4c6a8b',
    'parent_id': 'b0a8c6e4-2f1d-4b3a-9e5c-7d6f8a0b2c4e',
    'user_id': '9d8e7f6a5b4c4d3e2f1a0b9c8d7e6f5a',
    'nova_instance_id': 'f0e1d2c3-b4a5-4968-8776-655443322110',
    'nova_volume_id': '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    'instance_type_id': '7',
    'flavor': '7',
    'new_flavor_id': '8',
    'restore_point': 'b0a8c6e4-2f1d-4b3a-9e5c-7d6f8a0b2c4e',
    'replica_of': 'd3c2b1a0-9f8e-4d7c-b6a5-948372615049',
    # names and descriptions
    'name': 'orders-db',
    'instance_name': 'orders-db',
    'display_name': 'orders-db',
    'instance_type': 'm1.medium',
    'datastore': 'mysql',
    'datastore_version': '5.7',
    'databases': 'orders,audit',
    'users': 'app,report',
    'dbname': 'orders',
    'database': 'orders',
    'username': 'app',
    'description': 'nightly backup of orders-db',
    'availability_zone': 'nova',
    'region': 'RegionOne',
    'service_id': '2f3e4d5c-6b7a-4899-aabb-ccddeeff0011',
    'state': 'active',
    'state_description': 'active',
    'resource': 'instances',
    # numbers
    'volume_size': 20,
    'old_volume_size': 10,
    'new_size': 40,
    'instance_size': 4096,
    'old_instance_size': 2048,
    'replica_count': 1,
    'in_use': 3,
    'reserved': 1,
    'limit': 10,
    # times
    'created_at': _utc(2026, 11, 1, 12, 0, 0),
    'launched_at': _utc(2026, 11, 1, 12, 0, 0),
    'deleted_at': _utc(2026, 11, 2, 9, 30, 0),
    'modify_at': _utc(2026, 11, 1, 15, 45, 0),
    'audit_period_beginning': _utc(2026, 11, 1, 0, 0, 0),
    'audit_period_ending': _utc(2026, 11, 1, 1, 0, 0),
    'updated': _utc(2026, 11, 1, 11, 58, 0),
}
_SERVER_TYPE = {'start': 'api', 'end': 'task', 'error': 'task'}


def sample_factory(cls, **overrides):
    """A callable building ``cls`` with every field set from
    :data:`SAMPLE_VALUES` (fixed values: samples never change)."""
    def sample():
        values = {name: SAMPLE_VALUES[name] for name in cls.fields}
        values.update(overrides)
        return cls(**values)
    sample.__name__ = 'sample_' + cls.obj_name()
    return sample


EVENTS = registry.EventRegistry(
    'trove', lock='../payloads.lock.json', objects=payloads.OBJECTS,
    description='Trove (database as a service): start/end/error '
                'notifications of every state-changing API call '
                '(dbaas.*), instance status notifications (trove.*) and '
                'the periodic exists and quota notifications.')


def _status(name, event_type, payload, description):
    return EVENTS.define(name, event_type, 'info', payload,
                         mechanisms=MECHANISMS,
                         sample=sample_factory(payload),
                         description=description)


EVENT_TYPE_TROVE_INSTANCE_CREATE = _status(
    'EVENT_TYPE_TROVE_INSTANCE_CREATE', 'trove.instance.create',
    payloads.InstancePayload,
    'An instance was created (its resources are now billed).')
EVENT_TYPE_TROVE_INSTANCE_DELETE = _status(
    'EVENT_TYPE_TROVE_INSTANCE_DELETE', 'trove.instance.delete',
    payloads.InstanceDeletePayload,
    'An instance was deleted; deleted_at is when the deletion completed.')
EVENT_TYPE_TROVE_INSTANCE_MODIFY_VOLUME = _status(
    'EVENT_TYPE_TROVE_INSTANCE_MODIFY_VOLUME', 'trove.instance.modify_volume',
    payloads.InstanceModifyVolumePayload,
    'The volume of an instance was resized; old_volume_size is the size '
    'before.')
EVENT_TYPE_TROVE_INSTANCE_MODIFY_FLAVOR = _status(
    'EVENT_TYPE_TROVE_INSTANCE_MODIFY_FLAVOR', 'trove.instance.modify_flavor',
    payloads.InstanceModifyFlavorPayload,
    'An instance was resized to another flavor; old_instance_size is the '
    'RAM before.')
EVENT_TYPE_TROVE_INSTANCE_EXISTS = _status(
    'EVENT_TYPE_TROVE_INSTANCE_EXISTS', 'trove.instance.exists',
    payloads.InstanceExistsPayload,
    'Periodic: one per active instance per audit period '
    '([trove] exists_notification_interval).')
EVENT_TYPE_DBAAS_QUOTAS = _status(
    'EVENT_TYPE_DBAAS_QUOTAS', 'trove.quota', payloads.QuotaPayload,
    'Periodic: the use of one quota resource by one tenant '
    '([trove] quota_notification_interval); the spec names it '
    'dbaas.quotas.')

_PHASE_TEXT = {
    'start': 'The API accepted a %s call.',
    'end': 'A %s call completed.',
    'error': 'A %s call failed; message and exception (the stack trace) '
             'say why.',
}

#: ``tidings catalog check`` findings the .error events accept: the spec
#: carries the exception as the ``message`` and ``exception`` text traits
#: (what Trove and Ceilometer's trove definitions read), and
#: :class:`tidings.catalogs.trove.actions.Action` fills them from the error
#: payload class of each action.
_ERROR_WAIVERS = {
    'TID001': 'the spec carries the exception as the message and exception '
              'text traits (DBaaSErrorPayload.set_exception), not as an '
              'ExceptionPayload; trove.actions.Action.error fills them',
    'TID003': 'each phase has the payload class of its spec traits; '
              'trove.actions.Action builds the .end and .error payloads',
}


def _dbaas(name, event_type, payload, api):
    """Define ``dbaas.<action>.<phase>``: level error for ``.error`` (with
    :data:`_ERROR_WAIVERS`), info otherwise; ``api`` is the Python API
    call the description names."""
    phase = event_type.rsplit('.', 1)[1]
    error = phase == 'error'
    return EVENTS.define(
        name, event_type, 'error' if error else 'info', payload,
        mechanisms=MECHANISMS,
        sample=sample_factory(payload, server_type=_SERVER_TYPE[phase]),
        description=_PHASE_TEXT[phase] % api,
        lint_ignore=_ERROR_WAIVERS if error else None)


# The start, end and error event of each action of the spec's appendix, in
# its order, under the Python API call of the action.

# instances.create
EVENT_TYPE_DBAAS_INSTANCE_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_CREATE_START', 'dbaas.instance_create.start',
    payloads.InstanceCreateStartPayload, 'instances.create')
EVENT_TYPE_DBAAS_INSTANCE_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_CREATE_END', 'dbaas.instance_create.end',
    payloads.InstanceCreateEndPayload, 'instances.create')
EVENT_TYPE_DBAAS_INSTANCE_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_CREATE_ERROR', 'dbaas.instance_create.error',
    payloads.InstanceCreateErrorPayload, 'instances.create')

# instances.restart
EVENT_TYPE_DBAAS_INSTANCE_RESTART_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESTART_START', 'dbaas.instance_restart.start',
    payloads.InstanceRestartStartPayload, 'instances.restart')
EVENT_TYPE_DBAAS_INSTANCE_RESTART_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESTART_END', 'dbaas.instance_restart.end',
    payloads.DBaaSPayload, 'instances.restart')
EVENT_TYPE_DBAAS_INSTANCE_RESTART_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESTART_ERROR', 'dbaas.instance_restart.error',
    payloads.DBaaSErrorPayload, 'instances.restart')

# instances.resize_volume
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_START',
    'dbaas.instance_resize_volume.start',
    payloads.InstanceResizeVolumeStartPayload, 'instances.resize_volume')
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_END',
    'dbaas.instance_resize_volume.end', payloads.DBaaSPayload,
    'instances.resize_volume')
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_VOLUME_ERROR',
    'dbaas.instance_resize_volume.error', payloads.DBaaSErrorPayload,
    'instances.resize_volume')

# instances.resize_instance
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_START',
    'dbaas.instance_resize_instance.start',
    payloads.InstanceResizeInstanceStartPayload, 'instances.resize_instance')
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_END',
    'dbaas.instance_resize_instance.end', payloads.DBaaSPayload,
    'instances.resize_instance')
EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_RESIZE_INSTANCE_ERROR',
    'dbaas.instance_resize_instance.error', payloads.DBaaSErrorPayload,
    'instances.resize_instance')

# instances.promote_to_replica_source
EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_START', 'dbaas.instance_promote.start',
    payloads.InstancePromoteStartPayload,
    'instances.promote_to_replica_source')
EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_END', 'dbaas.instance_promote.end',
    payloads.DBaaSPayload, 'instances.promote_to_replica_source')
EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_PROMOTE_ERROR', 'dbaas.instance_promote.error',
    payloads.DBaaSErrorPayload, 'instances.promote_to_replica_source')

# instances.eject_replica_source
EVENT_TYPE_DBAAS_INSTANCE_EJECT_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_EJECT_START', 'dbaas.instance_eject.start',
    payloads.InstanceEjectStartPayload, 'instances.eject_replica_source')
EVENT_TYPE_DBAAS_INSTANCE_EJECT_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_EJECT_END', 'dbaas.instance_eject.end',
    payloads.DBaaSPayload, 'instances.eject_replica_source')
EVENT_TYPE_DBAAS_INSTANCE_EJECT_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_EJECT_ERROR', 'dbaas.instance_eject.error',
    payloads.DBaaSErrorPayload, 'instances.eject_replica_source')

# instances.delete
EVENT_TYPE_DBAAS_INSTANCE_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DELETE_START', 'dbaas.instance_delete.start',
    payloads.InstanceDeleteStartPayload, 'instances.delete')
EVENT_TYPE_DBAAS_INSTANCE_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DELETE_END', 'dbaas.instance_delete.end',
    payloads.DBaaSPayload, 'instances.delete')
EVENT_TYPE_DBAAS_INSTANCE_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DELETE_ERROR', 'dbaas.instance_delete.error',
    payloads.DBaaSErrorPayload, 'instances.delete')

# instances.edit(detach_replica_source=True)
EVENT_TYPE_DBAAS_INSTANCE_DETACH_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_START', 'dbaas.instance_detach.start',
    payloads.InstanceDetachStartPayload,
    'instances.edit(detach_replica_source=True)')
EVENT_TYPE_DBAAS_INSTANCE_DETACH_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_END', 'dbaas.instance_detach.end',
    payloads.DBaaSPayload, 'instances.edit(detach_replica_source=True)')
EVENT_TYPE_DBAAS_INSTANCE_DETACH_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_ERROR', 'dbaas.instance_detach.error',
    payloads.DBaaSErrorPayload, 'instances.edit(detach_replica_source=True)')

# instances.modify
EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_START',
    'dbaas.instance_attach_configuration.start',
    payloads.InstanceAttachConfigurationStartPayload, 'instances.modify')
EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_END',
    'dbaas.instance_attach_configuration.end', payloads.DBaaSPayload,
    'instances.modify')
EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_ATTACH_CONFIGURATION_ERROR',
    'dbaas.instance_attach_configuration.error', payloads.DBaaSErrorPayload,
    'instances.modify')

# instances.edit(remove_configuration=True)
EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_START = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_START',
    'dbaas.instance_detach_configuration.start',
    payloads.InstanceDetachConfigurationStartPayload,
    'instances.edit(remove_configuration=True)')
EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_END = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_END',
    'dbaas.instance_detach_configuration.end', payloads.DBaaSPayload,
    'instances.edit(remove_configuration=True)')
EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_INSTANCE_DETACH_CONFIGURATION_ERROR',
    'dbaas.instance_detach_configuration.error', payloads.DBaaSErrorPayload,
    'instances.edit(remove_configuration=True)')

# clusters.create
EVENT_TYPE_DBAAS_CLUSTER_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_CREATE_START', 'dbaas.cluster_create.start',
    payloads.ClusterCreateStartPayload, 'clusters.create')
EVENT_TYPE_DBAAS_CLUSTER_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_CREATE_END', 'dbaas.cluster_create.end',
    payloads.ClusterCreateEndPayload, 'clusters.create')
EVENT_TYPE_DBAAS_CLUSTER_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_CREATE_ERROR', 'dbaas.cluster_create.error',
    payloads.DBaaSErrorPayload, 'clusters.create')

# clusters.delete
EVENT_TYPE_DBAAS_CLUSTER_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_DELETE_START', 'dbaas.cluster_delete.start',
    payloads.ClusterDeleteStartPayload, 'clusters.delete')
EVENT_TYPE_DBAAS_CLUSTER_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_DELETE_END', 'dbaas.cluster_delete.end',
    payloads.DBaaSPayload, 'clusters.delete')
EVENT_TYPE_DBAAS_CLUSTER_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_DELETE_ERROR', 'dbaas.cluster_delete.error',
    payloads.DBaaSErrorPayload, 'clusters.delete')

# clusters.add_shard
EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_START = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_START',
    'dbaas.cluster_add_shard.start', payloads.ClusterAddShardStartPayload,
    'clusters.add_shard')
EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_END = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_END', 'dbaas.cluster_add_shard.end',
    payloads.DBaaSPayload, 'clusters.add_shard')
EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_ADD_SHARD_ERROR',
    'dbaas.cluster_add_shard.error', payloads.DBaaSErrorPayload,
    'clusters.add_shard')

# clusters.grow
EVENT_TYPE_DBAAS_CLUSTER_GROW_START = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_GROW_START', 'dbaas.cluster_grow.start',
    payloads.ClusterGrowStartPayload, 'clusters.grow')
EVENT_TYPE_DBAAS_CLUSTER_GROW_END = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_GROW_END', 'dbaas.cluster_grow.end',
    payloads.DBaaSPayload, 'clusters.grow')
EVENT_TYPE_DBAAS_CLUSTER_GROW_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_GROW_ERROR', 'dbaas.cluster_grow.error',
    payloads.DBaaSErrorPayload, 'clusters.grow')

# clusters.shrink
EVENT_TYPE_DBAAS_CLUSTER_SHRINK_START = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_SHRINK_START', 'dbaas.cluster_shrink.start',
    payloads.ClusterShrinkStartPayload, 'clusters.shrink')
EVENT_TYPE_DBAAS_CLUSTER_SHRINK_END = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_SHRINK_END', 'dbaas.cluster_shrink.end',
    payloads.DBaaSPayload, 'clusters.shrink')
EVENT_TYPE_DBAAS_CLUSTER_SHRINK_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CLUSTER_SHRINK_ERROR', 'dbaas.cluster_shrink.error',
    payloads.DBaaSErrorPayload, 'clusters.shrink')

# backups.create
EVENT_TYPE_DBAAS_BACKUP_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_CREATE_START', 'dbaas.backup_create.start',
    payloads.BackupCreateStartPayload, 'backups.create')
EVENT_TYPE_DBAAS_BACKUP_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_CREATE_END', 'dbaas.backup_create.end',
    payloads.BackupCreateEndPayload, 'backups.create')
EVENT_TYPE_DBAAS_BACKUP_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_CREATE_ERROR', 'dbaas.backup_create.error',
    payloads.DBaaSErrorPayload, 'backups.create')

# backups.delete
EVENT_TYPE_DBAAS_BACKUP_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_DELETE_START', 'dbaas.backup_delete.start',
    payloads.BackupDeleteStartPayload, 'backups.delete')
EVENT_TYPE_DBAAS_BACKUP_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_DELETE_END', 'dbaas.backup_delete.end',
    payloads.DBaaSPayload, 'backups.delete')
EVENT_TYPE_DBAAS_BACKUP_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_BACKUP_DELETE_ERROR', 'dbaas.backup_delete.error',
    payloads.DBaaSErrorPayload, 'backups.delete')

# databases.create
EVENT_TYPE_DBAAS_DATABASE_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_CREATE_START', 'dbaas.database_create.start',
    payloads.DatabaseCreateStartPayload, 'databases.create')
EVENT_TYPE_DBAAS_DATABASE_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_CREATE_END', 'dbaas.database_create.end',
    payloads.DBaaSPayload, 'databases.create')
EVENT_TYPE_DBAAS_DATABASE_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_CREATE_ERROR', 'dbaas.database_create.error',
    payloads.DBaaSErrorPayload, 'databases.create')

# databases.delete
EVENT_TYPE_DBAAS_DATABASE_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_DELETE_START', 'dbaas.database_delete.start',
    payloads.DatabaseDeleteStartPayload, 'databases.delete')
EVENT_TYPE_DBAAS_DATABASE_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_DELETE_END', 'dbaas.database_delete.end',
    payloads.DBaaSPayload, 'databases.delete')
EVENT_TYPE_DBAAS_DATABASE_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_DATABASE_DELETE_ERROR', 'dbaas.database_delete.error',
    payloads.DBaaSErrorPayload, 'databases.delete')

# users.create
EVENT_TYPE_DBAAS_USER_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CREATE_START', 'dbaas.user_create.start',
    payloads.UserCreateStartPayload, 'users.create')
EVENT_TYPE_DBAAS_USER_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CREATE_END', 'dbaas.user_create.end',
    payloads.DBaaSPayload, 'users.create')
EVENT_TYPE_DBAAS_USER_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CREATE_ERROR', 'dbaas.user_create.error',
    payloads.DBaaSErrorPayload, 'users.create')

# users.delete
EVENT_TYPE_DBAAS_USER_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_DELETE_START', 'dbaas.user_delete.start',
    payloads.UserDeleteStartPayload, 'users.delete')
EVENT_TYPE_DBAAS_USER_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_DELETE_END', 'dbaas.user_delete.end',
    payloads.DBaaSPayload, 'users.delete')
EVENT_TYPE_DBAAS_USER_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_DELETE_ERROR', 'dbaas.user_delete.error',
    payloads.DBaaSErrorPayload, 'users.delete')

# users.update_attributes
EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_START',
    'dbaas.user_update_attributes.start',
    payloads.UserUpdateAttributesStartPayload, 'users.update_attributes')
EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_END',
    'dbaas.user_update_attributes.end', payloads.DBaaSPayload,
    'users.update_attributes')
EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_UPDATE_ATTRIBUTES_ERROR',
    'dbaas.user_update_attributes.error', payloads.DBaaSErrorPayload,
    'users.update_attributes')

# users.grant
EVENT_TYPE_DBAAS_USER_GRANT_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_GRANT_START', 'dbaas.user_grant.start',
    payloads.UserGrantStartPayload, 'users.grant')
EVENT_TYPE_DBAAS_USER_GRANT_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_GRANT_END', 'dbaas.user_grant.end',
    payloads.DBaaSPayload, 'users.grant')
EVENT_TYPE_DBAAS_USER_GRANT_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_GRANT_ERROR', 'dbaas.user_grant.error',
    payloads.DBaaSErrorPayload, 'users.grant')

# users.revoke
EVENT_TYPE_DBAAS_USER_REVOKE_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_REVOKE_START', 'dbaas.user_revoke.start',
    payloads.UserRevokeStartPayload, 'users.revoke')
EVENT_TYPE_DBAAS_USER_REVOKE_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_REVOKE_END', 'dbaas.user_revoke.end',
    payloads.DBaaSPayload, 'users.revoke')
EVENT_TYPE_DBAAS_USER_REVOKE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_REVOKE_ERROR', 'dbaas.user_revoke.error',
    payloads.DBaaSErrorPayload, 'users.revoke')

# users.change_password
EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_START = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_START',
    'dbaas.user_change_password.start',
    payloads.UserChangePasswordStartPayload, 'users.change_password')
EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_END = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_END',
    'dbaas.user_change_password.end', payloads.DBaaSPayload,
    'users.change_password')
EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_USER_CHANGE_PASSWORD_ERROR',
    'dbaas.user_change_password.error', payloads.DBaaSErrorPayload,
    'users.change_password')

# configurations.create
EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_START',
    'dbaas.configuration_create.start',
    payloads.ConfigurationCreateStartPayload, 'configurations.create')
EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_END',
    'dbaas.configuration_create.end', payloads.ConfigurationCreateEndPayload,
    'configurations.create')
EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_CREATE_ERROR',
    'dbaas.configuration_create.error', payloads.DBaaSErrorPayload,
    'configurations.create')

# configurations.delete
EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_START = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_START',
    'dbaas.configuration_delete.start',
    payloads.ConfigurationDeleteStartPayload, 'configurations.delete')
EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_END = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_END',
    'dbaas.configuration_delete.end', payloads.DBaaSPayload,
    'configurations.delete')
EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_DELETE_ERROR',
    'dbaas.configuration_delete.error', payloads.DBaaSErrorPayload,
    'configurations.delete')

# configurations.update
EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_START = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_START',
    'dbaas.configuration_update.start',
    payloads.ConfigurationUpdateStartPayload, 'configurations.update')
EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_END = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_END',
    'dbaas.configuration_update.end', payloads.DBaaSPayload,
    'configurations.update')
EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_UPDATE_ERROR',
    'dbaas.configuration_update.error', payloads.DBaaSErrorPayload,
    'configurations.update')

# configurations.edit
EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_START = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_START',
    'dbaas.configuration_edit.start', payloads.ConfigurationEditStartPayload,
    'configurations.edit')
EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_END = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_END', 'dbaas.configuration_edit.end',
    payloads.DBaaSPayload, 'configurations.edit')
EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_ERROR = _dbaas(
    'EVENT_TYPE_DBAAS_CONFIGURATION_EDIT_ERROR',
    'dbaas.configuration_edit.error', payloads.DBaaSErrorPayload,
    'configurations.edit')


#: The dbaas actions (``instance_create``...), in the appendix's order.
ACTIONS = tuple(definition.event_type.action for definition in EVENTS
                if definition.event_type.object == 'dbaas'
                and definition.event_type.phase == 'start')
