"""The files a catalog's contract names, as the testing helpers need
them."""

from tidings import catalogs


def contract_path(registry, given, key, what, argument):
    """``given``, else the ``key`` (``lock`` or ``samples``) of the
    registry's contract; AssertionError saying how to name it when
    neither is set (``what``: the file, ``argument``: the helper's
    keyword that overrides it)."""
    path = given or getattr(catalogs.contract(registry), key)
    if not path:
        raise AssertionError(
            'catalog %s has no %s: name it (EventRegistry(..., %s=...) or %s '
            'in [tool.tidings] of pyproject.toml), or pass %s='
            % (registry.name, what, key, key, argument))
    return path
