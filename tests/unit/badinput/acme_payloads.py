"""A payload named like the demo catalog's, in namespace ``acme``: an
unrelated namesake, for the fingerprint-hint cases of the corpus."""

from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('acme')


@OBJECTS.register
class BackupPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'volume': fields.StringField(),
    }
