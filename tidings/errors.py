"""Public alias of :mod:`tidings.objects.errors`: every typed error."""

from tidings.objects.errors import *  # noqa: F401,F403
from tidings.objects.errors import TidingsError  # noqa: F401
