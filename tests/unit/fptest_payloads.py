"""Throwaway payloads for the fingerprint tests, in namespace ``fptest``.

They live in their own ObjectRegistry, so no catalog ever sees them.
``make_payload`` builds a fresh class (in a fresh registry unless one is
given), so a test can declare "the same payload, changed".
"""

from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('fptest')


@OBJECTS.register
class PartPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'serial': fields.StringField(),
    }


@OBJECTS.register
class WidgetPayload(payload_mod.Payload):
    """A widget, for the CLI tests."""

    VERSION = '1.0'
    SCHEMA = {'name': ('widget', 'name')}
    fields = {
        'name': fields.StringField(),
        'colour': fields.EnumField(['red', 'green']),
        'part': fields.ObjectField('PartPayload', nullable=True),
    }


def make_payload(field_map, name='ThingPayload', version='1.0', schema=None,
                 registry=None, doc=None, namespace='fptest', **attrs):
    """Register and return a new payload class ``name``."""
    registry = registry or base.ObjectRegistry(namespace)
    body = {'VERSION': version, 'fields': dict(field_map),
            '__doc__': doc, '__module__': __name__}
    if schema is not None:
        body['SCHEMA'] = schema
    body.update(attrs)
    cls = type(name, (payload_mod.Payload,), body)
    return registry.register(cls)
