"""The payloads of the trove catalog, in namespace ``trove``.

Status payloads (``trove.instance.*``, ``trove.quota``) carry the spec's
``trove_base_traits`` and ``trove_common_traits``; the
``dbaas.<action>.<phase>`` payloads carry the spec's ``dbaas_base_traits``
(:class:`DBaaSPayload`) plus the traits of one action and phase, in the
order of the spec's appendix.  An ``.end`` or ``.error`` event that adds
no trait of its own uses :class:`DBaaSPayload` or
:class:`DBaaSErrorPayload` itself (:mod:`.events` says which event uses
which class).

A trait is a payload field: a text trait is a ``StringField``, an int
trait an ``IntegerField``, a datetime trait a ``DateTimeField``.  An
optional trait (the spec's "(if specified)") is nullable; a required one
is not.
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


class TrovePayload(payload_mod.Payload):
    """Base of the trove payloads.

    ``CEILOMETER_TRAITS`` renames a field in the generated Ceilometer
    definitions (``{'instance_id': 'resource_id'}``): the spec's trait
    names where they differ from the payload field.
    """

    CEILOMETER_TRAITS = {}


# -- Status notifications: trove.instance.*, trove.quota ------------------

@OBJECTS.register
class InstanceStatusPayload(TrovePayload):
    """The spec's ``trove_base_traits`` of every instance status
    notification, plus tenant_id ("Upgrade Implications")."""

    VERSION = '1.0'
    CEILOMETER_TRAITS = {'instance_id': 'resource_id'}
    fields = {
        'tenant_id': fields.StringField(),
        'user_id': fields.StringField(),
        'instance_id': fields.StringField(),
        'instance_type': fields.StringField(),
        'instance_type_id': fields.StringField(),
        'instance_name': fields.StringField(),
        'state': fields.StringField(),
        'state_description': fields.StringField(),
        'nova_instance_id': fields.StringField(),
        'service_id': fields.StringField(),
        'launched_at': fields.DateTimeField(),
        'created_at': fields.DateTimeField(),
        'region': fields.StringField(),
    }


@OBJECTS.register
class InstancePayload(InstanceStatusPayload):
    """Base and ``trove_common_traits``: ``trove.instance.create``."""

    VERSION = '1.0'
    fields = dict(
        InstanceStatusPayload.fields,
        name=fields.StringField(),
        availability_zone=fields.StringField(nullable=True),
        instance_size=fields.IntegerField(),
        volume_size=fields.IntegerField(nullable=True),
        nova_volume_id=fields.StringField(nullable=True),
        cluster_id=fields.StringField(nullable=True))


@OBJECTS.register
class InstanceDeletePayload(InstancePayload):
    """``trove.instance.delete``: when the deletion completed."""

    VERSION = '1.0'
    fields = dict(InstancePayload.fields, deleted_at=fields.DateTimeField())


@OBJECTS.register
class InstanceModifyVolumePayload(InstancePayload):
    """``trove.instance.modify_volume``: the size before the resize."""

    VERSION = '1.0'
    fields = dict(
        InstancePayload.fields,
        old_volume_size=fields.IntegerField(),
        modify_at=fields.DateTimeField())


@OBJECTS.register
class InstanceModifyFlavorPayload(InstancePayload):
    """``trove.instance.modify_flavor``: the RAM before the resize."""

    VERSION = '1.0'
    fields = dict(
        InstancePayload.fields,
        old_instance_size=fields.IntegerField(),
        modify_at=fields.DateTimeField())


@OBJECTS.register
class InstanceExistsPayload(InstanceStatusPayload):
    """``trove.instance.exists``: one active instance in an audit period.

    ``CEILOMETER_METERS``: the meter Ceilometer's own ``meters.yaml``
    defines for it (the seconds of the audit period), with paths for both
    formats.
    """

    VERSION = '1.0'
    CEILOMETER_METERS = (
        {'name': 'trove.instance.exists', 'type': 'cumulative', 'unit': 's',
         'volume': ('audit_period_beginning', 'audit_period_ending')},
    )
    fields = dict(
        InstanceStatusPayload.fields,
        display_name=fields.StringField(),
        audit_period_beginning=fields.DateTimeField(),
        audit_period_ending=fields.DateTimeField())


@OBJECTS.register
class QuotaPayload(TrovePayload):
    """``trove.quota``: one tenant's use of one quota resource.

    ``resource`` is ``instances``, ``volumes`` or ``backups`` today (a
    string, so a new resource is no version bump); ``updated`` is unset
    when the resource was never allocated.
    """

    VERSION = '1.0'
    fields = {
        'tenant_id': fields.StringField(),
        'resource': fields.StringField(),
        'in_use': fields.IntegerField(),
        'reserved': fields.IntegerField(),
        'limit': fields.IntegerField(),
        'updated': fields.DateTimeField(nullable=True),
    }


# -- API notifications: dbaas.<action>.start|end|error --------------------

@OBJECTS.register
class DBaaSPayload(TrovePayload):
    """The spec's ``dbaas_base_traits``; also the payload of every
    ``.end`` event that adds no trait of its own.

    ``client_ip`` and ``server_ip`` are ``ip:port`` strings.
    """

    VERSION = '1.0'
    fields = {
        'tenant_id': fields.StringField(),
        'client_ip': fields.StringField(),
        'server_ip': fields.StringField(),
        'server_type': fields.EnumField(SERVER_TYPES),
        'request_id': fields.StringField(),
    }


@OBJECTS.register
class DBaaSErrorPayload(DBaaSPayload):
    """Base traits plus ``message`` (the exception's message) and
    ``exception`` (its formatted stack trace): every ``.error`` event that
    adds no trait of its own."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        message=fields.StringField(),
        exception=fields.StringField())

    def set_exception(self, exc):
        """Fill message and exception from ``exc`` (raised or not)."""
        self.message = str(exc)
        self.exception = ''.join(traceback.format_exception(
            type(exc), exc, exc.__traceback__))
        return self


# The start, end and error payloads of each action of the spec's appendix,
# in its order (Python API in parentheses).  Base traits come from
# DBaaSPayload, message and exception from DBaaSErrorPayload.


@OBJECTS.register
class InstanceCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_create.start`` (instances.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        name=fields.StringField(),
        flavor=fields.StringField(),
        datastore=fields.StringField(),
        datastore_version=fields.StringField(nullable=True),
        databases=fields.StringField(nullable=True),
        users=fields.StringField(nullable=True),
        volume_size=fields.IntegerField(nullable=True),
        restore_point=fields.StringField(nullable=True),
        availability_zone=fields.StringField(nullable=True),
        replica_of=fields.StringField(nullable=True),
        replica_count=fields.IntegerField(nullable=True))


@OBJECTS.register
class InstanceCreateEndPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_create.end`` (instances.create)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceCreateErrorPayload(DBaaSErrorPayload):
    """The payload of ``dbaas.instance_create.error`` (instances.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSErrorPayload.fields,
        instance_id=fields.StringField(nullable=True))


@OBJECTS.register
class InstanceRestartStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_restart.start`` (instances.restart)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceResizeVolumeStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_resize_volume.start``
    (instances.resize_volume)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        new_size=fields.IntegerField())


@OBJECTS.register
class InstanceResizeInstanceStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_resize_instance.start``
    (instances.resize_instance)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        new_flavor_id=fields.StringField())


@OBJECTS.register
class InstancePromoteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_promote.start``
    (instances.promote_to_replica_source)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceEjectStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_eject.start``
    (instances.eject_replica_source)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_delete.start`` (instances.delete)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceDetachStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_detach.start``
    (instances.edit(detach_replica_source=True))."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class InstanceAttachConfigurationStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_attach_configuration.start``
    (instances.modify)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        configuration_id=fields.StringField())


@OBJECTS.register
class InstanceDetachConfigurationStartPayload(DBaaSPayload):
    """The payload of ``dbaas.instance_detach_configuration.start``
    (instances.edit(remove_configuration=True))."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, instance_id=fields.StringField())


@OBJECTS.register
class ClusterCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_create.start`` (clusters.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        name=fields.StringField(),
        datastore=fields.StringField(),
        datastore_version=fields.StringField())


@OBJECTS.register
class ClusterCreateEndPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_create.end`` (clusters.create)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, cluster_id=fields.StringField())


@OBJECTS.register
class ClusterDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_delete.start`` (clusters.delete)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, cluster_id=fields.StringField())


@OBJECTS.register
class ClusterAddShardStartPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_add_shard.start``
    (clusters.add_shard)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, cluster_id=fields.StringField())


@OBJECTS.register
class ClusterGrowStartPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_grow.start`` (clusters.grow)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, cluster_id=fields.StringField())


@OBJECTS.register
class ClusterShrinkStartPayload(DBaaSPayload):
    """The payload of ``dbaas.cluster_shrink.start`` (clusters.shrink)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, cluster_id=fields.StringField())


@OBJECTS.register
class BackupCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.backup_create.start`` (backups.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        name=fields.StringField(),
        instance_id=fields.StringField(),
        description=fields.StringField(nullable=True),
        parent_id=fields.StringField(nullable=True))


@OBJECTS.register
class BackupCreateEndPayload(DBaaSPayload):
    """The payload of ``dbaas.backup_create.end`` (backups.create)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, backup_id=fields.StringField())


@OBJECTS.register
class BackupDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.backup_delete.start`` (backups.delete)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, backup_id=fields.StringField())


@OBJECTS.register
class DatabaseCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.database_create.start`` (databases.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        dbname=fields.StringField())


@OBJECTS.register
class DatabaseDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.database_delete.start`` (databases.delete)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        dbname=fields.StringField())


@OBJECTS.register
class UserCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_create.start`` (users.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField())


@OBJECTS.register
class UserDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_delete.start`` (users.delete)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField())


@OBJECTS.register
class UserUpdateAttributesStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_update_attributes.start``
    (users.update_attributes)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField())


@OBJECTS.register
class UserGrantStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_grant.start`` (users.grant)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField(),
        database=fields.StringField())


@OBJECTS.register
class UserRevokeStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_revoke.start`` (users.revoke)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField(),
        database=fields.StringField())


@OBJECTS.register
class UserChangePasswordStartPayload(DBaaSPayload):
    """The payload of ``dbaas.user_change_password.start``
    (users.change_password)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        instance_id=fields.StringField(),
        username=fields.StringField())


@OBJECTS.register
class ConfigurationCreateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.configuration_create.start``
    (configurations.create)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        name=fields.StringField(),
        datastore=fields.StringField(nullable=True),
        datastore_version=fields.StringField(nullable=True))


@OBJECTS.register
class ConfigurationCreateEndPayload(DBaaSPayload):
    """The payload of ``dbaas.configuration_create.end``
    (configurations.create)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, configuration_id=fields.StringField())


@OBJECTS.register
class ConfigurationDeleteStartPayload(DBaaSPayload):
    """The payload of ``dbaas.configuration_delete.start``
    (configurations.delete)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, configuration_id=fields.StringField())


@OBJECTS.register
class ConfigurationUpdateStartPayload(DBaaSPayload):
    """The payload of ``dbaas.configuration_update.start``
    (configurations.update)."""

    VERSION = '1.0'
    fields = dict(
        DBaaSPayload.fields,
        configuration_id=fields.StringField(),
        name=fields.StringField(nullable=True),
        description=fields.StringField(nullable=True))


@OBJECTS.register
class ConfigurationEditStartPayload(DBaaSPayload):
    """The payload of ``dbaas.configuration_edit.start``
    (configurations.edit)."""

    VERSION = '1.0'
    fields = dict(DBaaSPayload.fields, configuration_id=fields.StringField())
