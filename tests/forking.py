"""Run a function in a forked child of the test process."""

import os


def in_child(func):
    """Fork, call ``func()`` in the child and return the text it returned
    (the child exits at once, whatever happens)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, func().encode())
        finally:
            os._exit(0)
    os.close(write)
    try:
        return os.read(read, 4096).decode()
    finally:
        os.close(read)
        os.waitpid(pid, 0)
