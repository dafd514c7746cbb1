"""A small catalog for ``tidings demo`` and the docs' examples."""

from tidings.catalogs.demo.events import EVENTS  # noqa: F401
