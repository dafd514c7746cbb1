"""The trove catalog: Trove's Ceilometer integration spec
(``trove-ceilometer-integration.rst``), namespace ``trove``.

- ``trove.instance.create|delete|modify_volume|modify_flavor|exists``:
  status notifications with the spec's base and common traits.
- ``trove.quota``: the periodic quota notification (the spec's
  ``dbaas.quotas``).
- ``dbaas.<action>.start|end|error`` for all 29 actions of the appendix
  (:data:`events.ACTIONS`), each payload class and event declared in
  :mod:`.payloads` and :mod:`.events`; ``.error`` events are at level
  ``error`` and carry ``message`` and ``exception``.
- :mod:`.actions` emits them Trove's way, :mod:`.context` carries a started
  action across processes and forwards a guest's through a conductor,
  :mod:`.periodic` runs the exists and quota notifications
  (``[trove] exists_notification_interval``, ``quota_notification_interval``).
- ``tidings ceilometer-definitions --catalog trove`` writes the Ceilometer
  ``event_definitions.yaml`` from the payload classes.

Where the spec slips, this catalog follows its intent:

- Quota: the section is ``dbaas.quotas`` but the event type is
  ``trove.quota``; the wire uses ``trove.quota``, the constant is
  ``EVENT_TYPE_DBAAS_QUOTAS``.  The payload adds ``tenant_id`` (a quota
  is per tenant); ``updated`` is optional (never allocated).
- The text says ``trove.create``/``trove.delete``...; the event types are
  ``trove.instance.*`` as in the message definitions.
- Status payloads add ``tenant_id`` ("Upgrade Implications"); the trait
  ``resource_id`` reads the payload field ``instance_id`` (as the spec's
  ``fields: payload.instance_id``).  Optional there: availability_zone,
  volume_size and nova_volume_id ("if volume support enabled"),
  cluster_id ("if instance in cluster").
- ``trove.instance.exists`` is enabled by an interval option, not the
  ``exists_notification_transformer`` the spec names; both periodic
  notifications are disabled by default (< 0).
- Required traits are not nullable; optional ones (the spec's "(if
  specified)" and the Python API's keyword arguments) are nullable.
  instance_create.start also has ``datastore_version`` (described in the
  spec, missing from its traits), and ``replica_count`` is an int.
  instance_create.error's ``instance_id`` is optional: a create may fail
  before there is an id.
- Base traits are all required; ``server_type`` is one of api, task,
  conductor (the guest never emits: the conductor does for it).
- ``exception`` is the formatted stack trace, ``message`` the exception's
  message, whatever ``[notifications] include_traceback`` says: they are
  the spec's traits.
- The conductor's ``notify_exc_info(etype, value, trace)`` takes the
  message and formatted trace instead: an exc_info tuple does not cross a
  process boundary.
- No payload has a password field; ``users`` of instance_create is a
  comma separated list of user names, and user_change_password carries
  only instance_id and username.
- Ceilometer paths: the versioned format nests the fields under the key
  ``trove_object.data``, which holds a dot, so the paths quote it:
  ``$.payload['trove_object.data'].tenant_id`` (``payload.trove_object.
  data.tenant_id`` would match nothing in JSONPath); the unversioned
  format gives ``$.payload.tenant_id`` as in the spec.
"""

from tidings.catalogs.trove.events import EVENTS  # noqa: F401
