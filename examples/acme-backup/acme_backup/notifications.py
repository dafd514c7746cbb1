"""The acme catalog: the payloads and events of acme-backup.

One ObjectRegistry (the ``acme`` namespace on the wire), payload classes
declared as classes, events declared one by one.  Each event names a
``sample`` factory: ``tidings samples generate`` writes its JSON sample
from it, and the tests compare what the service emits with that sample.
"""

import datetime

from tidings import (EventRegistry, ObjectRegistry, Payload, fields,
                     ExceptionPayload as TidingsExceptionPayload)

#: The payload classes of acme, in the ``acme`` namespace
#: (``acme_object.name``, ``acme_object.version``... on the wire).
OBJECTS = ObjectRegistry('acme')


@OBJECTS.register
class ExceptionPayload(TidingsExceptionPayload):
    """What went wrong, in an ``.error`` notification (tidings' fields,
    in the acme namespace; the class name is the name on the wire)."""

    VERSION = '1.0'


@OBJECTS.register
class VolumePayload(Payload):
    """The volume a backup copies (nested in BackupPayload)."""

    VERSION = '1.0'
    SCHEMA = {
        'id': ('volume', 'id'),
        'size_gb': ('volume', 'size_gb'),
    }
    fields = {
        'id': fields.UUIDField(),
        'size_gb': fields.NonNegativeIntegerField(),
    }


@OBJECTS.register
class BackupPayload(Payload):
    """A backup of a volume."""

    VERSION = '1.0'
    SCHEMA = {
        'backup_id': ('backup', 'id'),
        'project_id': ('backup', 'project_id'),
        'name': ('backup', 'name'),
        'status': ('backup', 'status'),
        'created_at': ('backup', 'created_at'),
    }
    fields = {
        'backup_id': fields.UUIDField(),
        'project_id': fields.UUIDField(),
        'name': fields.StringField(),
        'status': fields.EnumField(
            ['creating', 'available', 'error', 'deleted']),
        'created_at': fields.DateTimeField(),
        'volume': fields.ObjectField('VolumePayload'),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }
    #: The Description column of the reference (fields SCHEMA fills are
    #: described by where they come from).
    FIELD_DESCRIPTIONS = {
        'volume': 'The volume the backup copies.',
        'fault': 'Why the backup failed (``.error`` events only).',
    }

    @classmethod
    def from_backup(cls, backup):
        """The payload of a :class:`acme_backup.service.Backup`."""
        payload = cls.from_sources(backup=backup)
        payload.volume = VolumePayload.from_sources(volume=backup.volume)
        return payload


# -- samples: the input of the generated JSON samples ---------------------

_CREATED = datetime.datetime(2026, 11, 1, 12, 0, 0,
                             tzinfo=datetime.timezone.utc)


def sample_backup(status='creating'):
    return BackupPayload(
        backup_id='9b2f6c1e-0d4a-4e8b-a1c3-5f7e9d2b4c6a',
        project_id='3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
        name='nightly', status=status, created_at=_CREATED,
        volume=VolumePayload(id='0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
                             size_gb=20))


def sample_error():
    payload = sample_backup('error')
    payload.fault = ExceptionPayload(
        module_name='acme_backup.service', function_name='create',
        exception='IOError', exception_message='volume is offline')
    return payload


# -- events ---------------------------------------------------------------

EVENTS = EventRegistry(
    'acme', objects=OBJECTS,
    description='acme-backup: backups of volumes.')

EVENT_TYPE_BACKUP_CREATE_START = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_START', 'acme.backup.create.start', 'info',
    BackupPayload, mechanisms=['messaging', 'log'],
    sample=sample_backup, description='A backup starts.')
EVENT_TYPE_BACKUP_CREATE_END = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_END', 'acme.backup.create.end', 'info',
    BackupPayload, mechanisms=['messaging', 'statsd', 'log'],
    metrics=['acme.backup.create'],
    sample=lambda: sample_backup('available'),
    description='A backup is complete; its duration goes to StatsD.')
EVENT_TYPE_BACKUP_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_ERROR', 'acme.backup.create.error', 'error',
    BackupPayload, mechanisms=['messaging', 'statsd', 'log'],
    metrics=['acme.backup.create.error'], sample=sample_error,
    description='A backup failed; ``fault`` says why.')
EVENT_TYPE_BACKUP_DELETE = EVENTS.define(
    'EVENT_TYPE_BACKUP_DELETE', 'acme.backup.delete', 'info',
    BackupPayload, mechanisms=['messaging', 'log'],
    sample=lambda: sample_backup('deleted'),
    description='A backup was deleted.')
