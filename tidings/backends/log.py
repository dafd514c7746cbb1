"""The log backend: one log line per notification, through stdlib logging.

It serves the ``log`` mechanism: an event is logged when its definition
asks for ``log``.  ``[backend_log] all_events = true`` logs every event
(while debugging a service), as a tap.

The line carries the wire message, so sensitive fields are already masked.
The notification level maps to a logging level (audit and sample log at
INFO).
"""

import json
import logging

from tidings.backends import base

_LOGGING_LEVEL = {'debug': logging.DEBUG, 'info': logging.INFO,
                  'sample': logging.INFO, 'audit': logging.INFO,
                  'warn': logging.WARNING, 'error': logging.ERROR,
                  'critical': logging.CRITICAL}


class LogBackend(base.Backend):
    mechanisms = frozenset(['log'])

    def __init__(self, conf=None, name='log', logger_name=None,
                 line_format=None, all_events=None):
        super().__init__(conf, name)
        group = conf.backend_log if conf is not None else None
        if all_events is None:
            all_events = self.serves(conf) is None
        if all_events:
            self.mechanisms = None
        self.logger = logging.getLogger(
            logger_name or (group.logger_name if group else
                            'tidings.notifications'))
        self.line_format = line_format or (group.line_format if group
                                           else 'text')
        self.count = 0

    @classmethod
    def serves(cls, conf):
        if conf is not None and conf.backend_log.all_events:
            return None
        return cls.mechanisms

    def send(self, notification):
        level = _LOGGING_LEVEL[notification.level]
        self.count += 1
        if not self.logger.isEnabledFor(level):
            return
        wire = notification.to_wire()
        if self.line_format == 'json':
            self.logger.log(level, '%s', json.dumps(wire, sort_keys=True,
                                                    default=str))
        else:
            self.logger.log(level, '%s %s %s %s %s', wire['priority'],
                            wire['event_type'], wire['publisher_id'],
                            wire['message_id'],
                            json.dumps(wire['payload'], sort_keys=True,
                                       default=str))

    def stats(self):
        return {'sent': self.count}
