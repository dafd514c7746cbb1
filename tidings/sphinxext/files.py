"""The files the Sphinx extension writes at build time (generated catalog
pages, AsyncAPI documents): read back, and rewritten only when changed."""

import os


def read(path):
    """The text of ``path``, None when there is none."""
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except FileNotFoundError:
        return None


def write_if_changed(path, text):
    """Write ``text`` to ``path`` unless it already holds it (an unchanged
    file does not make Sphinx read its pages again); atomic, since two
    builds may run at once (the docs tests)."""
    if read(path) == text:
        return False
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)
    return True
