"""A helper of the messaging backend tests, unit and functional."""

import threading


def outbox_writers(backend):
    """The set that the ids of the threads writing ``backend``'s outbox
    go into from now on (the caller's must never be one)."""
    writers = set()
    put = backend.outbox.put

    def recording_put(rows, **kwargs):
        writers.add(threading.get_ident())
        return put(rows, **kwargs)
    backend.outbox.put = recording_put
    return writers
