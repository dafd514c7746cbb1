"""The dotted event type on the wire: ``[prefix.]object.action[.phase]``."""

import re

from tidings.objects import errors
from tidings.objects import fields

_PART = re.compile(r'^[a-z0-9][a-z0-9_-]*$')
_STATUS = re.compile(r'^[1-5][0-9][0-9]$')


class EventType:
    """A parsed event type.

    ``EventType.parse('magnetodb.table.create.start')`` gives prefix
    ``magnetodb``, object ``table``, action ``create``, phase ``start``.
    Two parts are ``object.action``; a third part is a phase when it is
    ``start``, ``end`` or ``error``, otherwise the first part is a prefix.
    ``error`` may be followed by an HTTP status (``...error.404``).
    """

    __slots__ = ('prefix', 'object', 'action', 'phase', 'status')

    def __init__(self, object, action, phase=None, prefix=None, status=None):
        self.object = object
        self.action = action
        self.phase = phase
        self.prefix = prefix
        self.status = status
        self._validate()

    def _validate(self):
        text = self.format()
        for name in ('object', 'action'):
            part = getattr(self, name)
            if not isinstance(part, str) or not _PART.match(part):
                raise errors.EventTypeError(
                    text, '%s part %r is not a lowercase word' % (name, part))
        if self.prefix is not None:
            if not isinstance(self.prefix, str):
                raise errors.EventTypeError(
                    text, 'prefix %r is not a string' % (self.prefix,))
            for part in self.prefix.split('.'):
                if not _PART.match(part):
                    raise errors.EventTypeError(
                        text, 'prefix part %r is not a lowercase word'
                        % (part,))
        if self.phase is not None and self.phase not in fields.PHASES:
            raise errors.EventTypeError(
                text, 'phase %r is not one of %s' % (
                    self.phase, ', '.join(fields.PHASES)))
        if self.status is not None:
            if self.phase != 'error':
                raise errors.EventTypeError(
                    text, 'an HTTP status follows only the error phase')
            if not _STATUS.match(str(self.status)):
                raise errors.EventTypeError(
                    text, 'status %r is not an HTTP status 100-599'
                    % (self.status,))

    @classmethod
    def parse(cls, text):
        if not isinstance(text, str) or not text:
            raise errors.EventTypeError(text, 'not a non-empty string')
        parts = text.split('.')
        for i, part in enumerate(parts):
            if not part:
                raise errors.EventTypeError(
                    text, 'empty part at position %d' % (i + 1))
            if not _PART.match(part):
                raise errors.EventTypeError(
                    text, 'part %r is not a lowercase word' % part)
        status = phase = None
        # ``o.a.error.404``: a status needs object, action and ``error``
        # before it (``x.error.404`` is prefix x, object error, action 404).
        if len(parts) >= 4 and parts[-2] == 'error' and _STATUS.match(
                parts[-1]):
            status = parts.pop()
        if len(parts) >= 3 and parts[-1] in fields.PHASES:
            phase = parts.pop()
        if len(parts) < 2:
            raise errors.EventTypeError(
                text, 'needs at least an object and an action')
        prefix = '.'.join(parts[:-2]) or None
        return cls(parts[-2], parts[-1], phase=phase, prefix=prefix,
                   status=status)

    def format(self):
        parts = [self.prefix, self.object, self.action, self.phase,
                 self.status]
        return '.'.join(str(p) for p in parts if p is not None)

    def with_phase(self, phase):
        return EventType(self.object, self.action, phase, self.prefix)

    def with_status(self, status):
        return EventType(self.object, self.action, 'error', self.prefix,
                         str(status))

    def __str__(self):
        return self.format()

    def __repr__(self):
        return 'EventType(%r)' % self.format()

    def __eq__(self, other):
        if isinstance(other, str):
            return self.format() == other
        return isinstance(other, EventType) and self.format() == \
            other.format()

    def __hash__(self):
        return hash(self.format())
