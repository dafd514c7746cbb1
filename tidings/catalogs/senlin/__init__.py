"""The Senlin cluster and node action catalog (senlin-generic-event)."""

import os

from tidings.catalogs.senlin.events import EVENTS  # noqa: F401

#: The recommended configuration of a Senlin engine using this catalog.
RECOMMENDED_CONF = os.path.join(os.path.dirname(__file__), 'senlin.conf')
