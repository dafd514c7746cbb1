"""The acme-backup service: what emits the catalog's events."""

import dataclasses
import datetime
import uuid

from acme_backup import notifications as events


@dataclasses.dataclass
class Volume:
    id: str
    size_gb: int
    online: bool = True


@dataclasses.dataclass
class Backup:
    project_id: str
    name: str
    volume: Volume
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    status: str = 'creating'
    created_at: datetime.datetime = dataclasses.field(
        default_factory=lambda: datetime.datetime.now(datetime.timezone.utc))


class BackupService:
    """Creates and deletes backups, and says so."""

    def __init__(self, notifier):
        self.notifier = notifier
        self.backups = {}

    def create(self, project_id, name, volume, context=None):
        backup = Backup(project_id, name, volume)
        # .start now; .end when the block finishes, or .error (with the
        # exception in ``fault``) when it raises
        with self.notifier.lifecycle(
                events.EVENT_TYPE_BACKUP_CREATE_START,
                lambda: events.BackupPayload.from_backup(backup),
                context=context) as action:
            if not volume.online:
                backup.status = action.payload.status = 'error'
                raise IOError('volume %s is offline' % volume.id)
            backup.status = action.payload.status = 'available'
        self.backups[backup.id] = backup
        return backup

    def delete(self, backup_id, context=None):
        backup = self.backups.pop(backup_id)
        backup.status = 'deleted'
        self.notifier.notify(
            events.EVENT_TYPE_BACKUP_DELETE,
            lambda: events.BackupPayload.from_backup(backup),
            context=context)
        return backup
