"""What tidings hands to consumers that do not run Python: documents other
tools read.

- :mod:`tidings.exports.schemas` -- the JSON Schema bundle: every payload
  version, the envelope and each event's notification as standalone
  files with stable ``$id``\\ s (``tidings schema --all -o DIR``);
- :mod:`tidings.exports.asyncapi` -- one AsyncAPI 3.0 document per catalog:
  channels, messages, examples and AMQP bindings (``tidings asyncapi``).

Both are built from the catalogs and their lock files (released versions
are served from the lock, so a consumer still gets 1.0 after 1.1 ships)
and sit above :mod:`tidings.samples`, whose generated samples are the
AsyncAPI examples.
"""
