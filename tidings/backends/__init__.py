"""Delivery backends, one module per plugin (``tidings.backends``)."""
