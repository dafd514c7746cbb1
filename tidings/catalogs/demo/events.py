"""The demo catalog: a tiny backup service.

It exercises every framework feature the demo shows: a start/end/error
lifecycle with a fault, a debug event that the default level filters out,
a sensitive field, a nested payload and a StatsD metric.
"""

import datetime

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('demo')

_PROJECT = '6f70656e-7374-6163-6b20-726f636b7321'
_BACKUP = '2d1c6e5a-1c2f-4f0e-9a7e-3b8f7c1d2e4f'
_CREATED = datetime.datetime(2026, 11, 1, 12, 0, 0,
                             tzinfo=datetime.timezone.utc)


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    VERSION = '1.0'


@OBJECTS.register
class VolumePayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'id': fields.UUIDField(),
        'size_gb': fields.IntegerField(),
    }


@OBJECTS.register
class BackupPayload(payload_mod.Payload):
    """A volume backup.

    ``CEILOMETER_IDS``: the backup, not its nested volume, is the
    resource of its Ceilometer traits and meters.
    """

    VERSION = '1.0'
    CEILOMETER_IDS = {'resource_id': 'backup_id'}
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
            ['creating', 'available', 'error', 'deleting']),
        'created_at': fields.DateTimeField(),
        'volume': fields.ObjectField('VolumePayload', nullable=True),
        'encryption_key': fields.SensitiveStringField(nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class CleanupPayload(payload_mod.Payload):
    """A debug-level housekeeping pass."""

    VERSION = '1.0'
    fields = {
        'removed': fields.IntegerField(),
    }


def sample_backup():
    return BackupPayload(
        backup_id=_BACKUP, project_id=_PROJECT, name='nightly',
        status='creating', created_at=_CREATED,
        volume=VolumePayload(id='0a9e6f2c-5b4d-4c3e-8f1a-7d6b5c4e3f2a',
                             size_gb=10),
        encryption_key='s3cr3t')


def sample_error():
    payload = sample_backup()
    payload.status = 'error'
    payload.fault = ExceptionPayload(
        module_name='demo.backup', function_name='copy_volume',
        exception='IOError', exception_message='disk full')
    return payload


EVENTS = registry.EventRegistry(
    'demo', lock='../payloads.lock.json', objects=OBJECTS,
    description='A tiny backup service used by `tidings demo`.')

EVENT_TYPE_BACKUP_CREATE_START = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_START', 'demo.backup.create.start', 'info',
    BackupPayload, mechanisms=['messaging', 'database', 'log'],
    sample=sample_backup, description='A backup starts.')
EVENT_TYPE_BACKUP_CREATE_END = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_END', 'demo.backup.create.end', 'info',
    BackupPayload, mechanisms=['messaging', 'database', 'statsd', 'log'],
    metrics=['demo.backup.create'], sample=sample_backup,
    description='A backup finished; its duration goes to StatsD.')
EVENT_TYPE_BACKUP_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_BACKUP_CREATE_ERROR', 'demo.backup.create.error', 'error',
    BackupPayload, mechanisms=['messaging', 'database', 'statsd', 'log'],
    metrics=['demo.backup.create.error'], sample=sample_error,
    description='A backup failed; the payload carries the fault.')
EVENT_TYPE_CLEANUP = EVENTS.define(
    'EVENT_TYPE_CLEANUP', 'demo.backup.cleanup', 'debug', CleanupPayload,
    mechanisms=['log'], sample=lambda: CleanupPayload(removed=3),
    description='Housekeeping; below the default level, so filtered out.')
