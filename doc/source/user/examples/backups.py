"""The code under test: a backup service's own module (in a real service,
``myservice/backups.py``).  The bundled demo catalog stands in for the
service's catalog."""

from tidings.catalogs.demo import events


def create_backup(notifier, backup, copy_volume):
    """Copy the volume, wrapped in the start/end/error lifecycle."""
    with notifier.lifecycle(events.EVENT_TYPE_BACKUP_CREATE_START, backup):
        copy_volume()
