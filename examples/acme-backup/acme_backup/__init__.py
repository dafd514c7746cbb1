"""acme-backup: a small backup service that emits its events with tidings.

It is the example of the adopter guide ("Adopt tidings in your
service"): its own namespace and catalog (:mod:`acme_backup.notifications`),
a service that emits them (:mod:`acme_backup.service`), a conf file,
a lock file, generated samples, a Sphinx page and unit tests.
"""
