"""The versioned-object layer: base class, per-namespace registries, fields.

This package imports nothing else of tidings.
"""

from tidings.objects.base import ObjectRegistry  # noqa: F401
from tidings.objects.base import TidingsObject  # noqa: F401
from tidings.objects.base import version_tuple  # noqa: F401
