"""The JSON file backend: one JSON document per line, rotated by size.

Each line is the wire message the bus would carry, so the backend serves
the ``messaging`` mechanism: a file instead of a broker (a service with
no bus, a record to replay or to check with ``tidings validate``).

Writes happen on a worker thread; the caller only enqueues.  When the file
would grow past ``max_bytes`` it is renamed ``path.1`` (older ones shift up
to ``path.<backup_count>``) and a new file is started.
"""

import json
import os

from tidings.backends import base
from tidings import conf as tidings_conf

DEFAULT_NAME = 'notifications.jsonl'


def path_errors(conf, path=None):
    """Why the backend could not write its file: ``path``, else
    ``[backend_jsonfile] path``, else notifications.jsonl in state_path.
    Looks only (``tidings config validate`` and the constructor share
    it)."""
    if path is None and conf is not None:
        path = conf.backend_jsonfile.path
    return tidings_conf.path_errors('backend_jsonfile', 'path', path, conf,
                                    DEFAULT_NAME)


class JsonFileBackend(base.QueuedBackend):
    mechanisms = frozenset(['messaging'])

    @classmethod
    def check_conf(cls, conf):
        """The file the backend would write, checked without creating
        it: the problems, as a list."""
        return path_errors(conf)

    def __init__(self, conf=None, name='jsonfile', path=None,
                 max_bytes=None, backup_count=None):
        super().__init__(conf, name)
        group = conf.backend_jsonfile if conf is not None else None
        path = tidings_conf.checked_location(
            conf, path, 'backend_jsonfile', 'path', path_errors,
            lambda conf: os.path.join(tidings_conf.state_path(conf),
                                      DEFAULT_NAME),
            'JsonFileBackend needs a path or a conf')
        self.path = os.path.expanduser(path)
        self.max_bytes = max_bytes if max_bytes is not None else (
            group.max_bytes if group is not None else 10 * 1024 * 1024)
        self.backup_count = backup_count if backup_count is not None else (
            group.backup_count if group is not None else 5)
        if group is not None:
            self.queue_size = group.queue_size
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)

    def deliver(self, batch):
        lines = []
        for notification in batch:
            for fmt in notification.formats:
                lines.append(json.dumps(notification.to_wire(fmt),
                                        sort_keys=True, default=str))
        data = ('\n'.join(lines) + '\n').encode('utf-8')
        if self.max_bytes:
            try:
                size = os.path.getsize(self.path)
            except OSError:
                size = 0
            if size and size + len(data) > self.max_bytes:
                self._rotate()
        with open(self.path, 'ab') as handle:
            handle.write(data)

    def _rotate(self):
        if self.backup_count <= 0:
            os.truncate(self.path, 0)
            return
        for index in range(self.backup_count - 1, 0, -1):
            src = '%s.%d' % (self.path, index)
            if os.path.exists(src):
                os.replace(src, '%s.%d' % (self.path, index + 1))
        os.replace(self.path, self.path + '.1')
