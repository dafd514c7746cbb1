"""tidings: versioned, documented, reliable service notifications.

What a service needs to write its catalog and emit its events, in one
import line::

    from tidings import EventRegistry, ObjectRegistry, Payload, fields

The names are those of the modules that define them (see the API
reference); this package sits above every layer (doc/source/architecture.rst)
and no module of tidings imports it.
"""

from tidings import catalogs as _catalogs  # noqa: F401  (lock locations)
from tidings.notifications.notifier import Notifier
from tidings.notifications.payload import ExceptionPayload
from tidings.notifications.payload import Payload
from tidings.notifications.registry import EventRegistry
from tidings.objects import fields
from tidings.objects.base import ObjectRegistry

__version__ = '0.1.0'

__all__ = ['EventRegistry', 'ExceptionPayload', 'Notifier', 'ObjectRegistry',
           'Payload', 'fields', '__version__']
