"""The checks behind ``tidings.conf.check``: config files, URLs and paths.

Every function here only looks: nothing is created, written or connected
to.  Each returns problems (strings, or ConfigError/ConfigFileError lists)
instead of raising, so a caller can report every problem of a
configuration in one run.  The backends use the same functions in their
constructors before they create anything, so ``tidings config validate``
and a starting service refuse exactly the same settings.
"""

import functools
import os
import re

from oslo_config import cfg
from oslo_config import iniparser

from tidings.objects import errors
from tidings.objects import urls
# The one URL masker lives in tidings.objects.urls; re-exported here for
# the callers that know it as tidings.conf._checks.mask_url.
from tidings.objects.urls import mask_url  # noqa: F401

#: Ports a URL may name.
PORT_RANGE = (1, 65535)
#: Virtual file systems where tidings can create nothing.
VIRTUAL_ROOTS = ('/proc', '/sys')

_DIGITS = re.compile(r'[0-9]+')


# URLs

def url_hosts(url):
    """``[(host, port_text)]`` of a URL's host part (several with
    ``h1:5672,h2:5672``); port_text is None when no port is written."""
    _, sep, rest = url.partition('://')
    if not sep:
        return []
    netloc, _ = urls.split_netloc(rest)
    out = []
    for part in netloc.split(','):
        hostport = part.rpartition('@')[2]
        if hostport.startswith('['):
            host, _, after = hostport[1:].partition(']')
            port = after[1:] if after.startswith(':') else None
        else:
            host, colon, port = hostport.partition(':')
            port = port if colon else None
        out.append((host, port))
    return out


def port_problem(port):
    """Why ``port`` (text, int or None) is not a usable port; None when it
    is (or when no port is given)."""
    if port is None:
        return None
    text = str(port)
    low, high = PORT_RANGE
    if not _DIGITS.fullmatch(text):
        return 'port %r is not a number; expected a port from %d to %d' % (
            text, low, high)
    if not low <= int(text) <= high:
        return 'port %s is out of range; expected a port from %d to %d' % (
            int(text), low, high)
    return None


def url_port_errors(group, option, url):
    """A ConfigError for each bad port of ``url`` (password masked)."""
    out = []
    for _, port in url_hosts(url):
        problem = port_problem(port)
        if problem:
            out.append(errors.ConfigError(group, option, mask_url(url),
                                          problem))
    return out


# paths

def _virtual_root(path):
    for root in VIRTUAL_ROOTS:
        if path == root or path.startswith(root + '/'):
            return root
    return None


def _uid():
    return os.geteuid() if hasattr(os, 'geteuid') else '?'


def _path_check(check):
    """``check(path)`` with what every path check does first: the path
    made absolute (``~`` expanded), one under a virtual file system
    refused, and an error raised while checking given as the problem."""
    @functools.wraps(check)
    def checked(path):
        try:
            path = os.path.abspath(os.path.expanduser(path))
            root = _virtual_root(path)
            if root:
                return ('is under %s, a virtual file system where tidings '
                        'cannot create files' % root)
            return check(path)
        except (OSError, ValueError) as exc:
            return 'cannot be checked (%s)' % exc
    return checked


@_path_check
def directory_problem(path):
    """Why ``path`` cannot be used, or created, as a directory tidings
    writes files into; None when it can.  Creates nothing."""
    if os.path.lexists(path):
        if not os.path.isdir(path):
            return 'is not a directory'
        if not os.access(path, os.W_OK | os.X_OK):
            return ('is a directory this user (uid %s) cannot write '
                    'to' % _uid())
        return None
    parent = path
    while not os.path.lexists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return 'cannot be created: %s is not a directory' % parent
    if not os.access(parent, os.W_OK | os.X_OK):
        return ('cannot be created: %s is not writable by this user '
                '(uid %s)' % (parent, _uid()))
    return None


def file_problem(path):
    """Why tidings could not create or append to the file ``path``; None
    when it could.  Creates nothing."""
    if not path or not str(path).strip():
        return 'is empty; expected a file path'
    return _file_problem(path)


@_path_check
def _file_problem(path):
    if os.path.isdir(path):
        return 'is a directory; expected a file path in a directory'
    if os.path.lexists(path) and not os.access(path, os.W_OK):
        return 'is a file this user (uid %s) cannot write to' % _uid()
    directory = os.path.dirname(path)
    problem = directory_problem(directory)
    if problem:
        return 'its directory %s %s' % (directory, problem)
    return None


# config files

class _Parser(cfg.ConfigParser):
    """oslo.config's parser, fed decoded text, remembering where each
    section and option was seen (to report duplicates)."""

    def __init__(self, filename, sections):
        super().__init__(filename, sections)
        self.seen_sections = {}
        self.seen_options = {}

    def new_section(self, section):
        self.seen_sections.setdefault(section, []).append(self.lineno)
        super().new_section(section)

    def _split_key_value(self, line):
        self._key_line = self.lineno
        return super()._split_key_value(line)

    def assignment(self, key, value):
        super().assignment(key, value)
        self.seen_options.setdefault((self.section, key), []).append(
            getattr(self, '_key_line', self.lineno))


def read_config_file(path):
    """``(parser, problem)``: the parsed file, or a ConfigFileError saying
    why it cannot be read (missing, a directory, unreadable, not UTF-8,
    bad syntax)."""
    if not os.path.lexists(path):
        return None, errors.ConfigFileError(path, 'no such file')
    if os.path.isdir(path):
        return None, errors.ConfigFileError(
            path, 'is a directory; expected a config file')
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except OSError as exc:
        return None, errors.ConfigFileError(
            path, 'cannot be read: %s' % (exc.strerror or exc))
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = data.count(b'\n', 0, exc.start) + 1
        return None, errors.ConfigFileError(
            path, 'not UTF-8 text: byte 0x%02x at offset %d (line %d) '
            'cannot be decoded; config files must be saved as UTF-8' % (
                data[exc.start], exc.start, line))
    if '\x00' in text:
        offset = text.index('\x00')
        return None, errors.ConfigFileError(
            path, 'holds a NUL character at offset %d (line %d); a config '
            'file is UTF-8 text' % (offset, text.count('\n', 0, offset)
                                    + 1))
    parser = _Parser(path, {})
    try:
        iniparser.BaseParser.parse(parser, text.splitlines())
    except iniparser.ParseError as exc:
        return None, errors.ConfigFileError(
            path, 'line %d: %s: %r; expected [section] headers and '
            '"option = value" lines' % (exc.lineno, exc.msg, exc.line))
    return parser, None


def duplicate_errors(path, parser, groups):
    """ConfigFileErrors for sections and options of ``groups`` written
    twice in one file (the later silently wins, so the first is a trap)."""
    out = []
    for section, lines in sorted(parser.seen_sections.items()):
        if section in groups and len(lines) > 1:
            out.append(errors.ConfigFileError(
                path, 'section [%s] appears %d times (lines %s); write each '
                'section once' % (section, len(lines),
                                  ', '.join(map(str, lines)))))
    for (section, option), lines in sorted(parser.seen_options.items()):
        if section in groups and len(lines) > 1:
            out.append(errors.ConfigFileError(
                path, '[%s] %s is set %d times (lines %s); only the last '
                'counts, set it once' % (section, option, len(lines),
                                         ', '.join(map(str, lines)))))
    return out
