"""URLs in messages: the one place that hides their passwords.

Every message that names a transport URL, a database URL or an outbox
URL shows it through :func:`mask_url`, so the same URL reads the same in
``tidings config validate``, a backend's start-up error and a log line.
It lives in ``objects`` (which imports nothing of tidings) so ``conf``,
the backends and the commands can all use it without an upward import.

It works on the text the operator wrote, not on a parser's rebuild of it:
text no URL parser accepts (a bad port, a stray character) is echoed
with its secrets hidden, a query string or an IPv6 host keeps its form,
and a password holding ``@`` or ``/`` is hidden whole.
"""

MASK = '***'


def mask_url(url):
    """``url`` as text with every password replaced by ``***``.

    Every ``user:password@`` of a multi-host URL is masked.  ``None`` and
    ``''`` come back unchanged; a SQLAlchemy ``URL`` object is rendered
    with its password hidden; any other non-text value is returned as is.
    Text without ``://`` is masked as a bare host part when it holds
    ``@`` (``user:pw@host`` written without its scheme).
    """
    if not isinstance(url, str):
        render = getattr(url, 'render_as_string', None)
        if render is not None:
            return render(hide_password=True)
        return url
    scheme, sep, rest = url.partition('://')
    if not sep:
        if '@' not in url:
            return url
        scheme, rest = '', url
    netloc, tail = split_netloc(rest)
    hosts = []
    for part in netloc.split(','):
        userinfo, at, hostport = part.rpartition('@')
        if at and ':' in userinfo:
            userinfo = userinfo.split(':', 1)[0] + ':' + MASK
        hosts.append(userinfo + at + hostport)
    return scheme + sep + ','.join(hosts) + tail


def split_netloc(rest):
    """``(host part, path/query/fragment)`` of a URL's text after ``://``.

    The host part ends at the path, query or fragment after the last
    ``@`` (a password may hold a ``/``; the user part ends at the last
    ``@``).
    """
    head = rest[:_first_of(rest, '?#', after=0)]
    start = head.rfind('@') + 1
    end = _first_of(rest, '/?#', after=start)
    return rest[:end], rest[end:]


def _first_of(text, chars, after):
    found = [i for i in (text.find(c, after) for c in chars) if i >= 0]
    return min(found) if found else len(text)
