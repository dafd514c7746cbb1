"""The real StatsD daemon (npm package ``statsd``) for functional tests.

``tools/install-statsd.sh`` installs it into ``$TIDINGS_STATSD_DIR`` or
``<repo>/.statsd``; :class:`StatsdDaemon` starts
``node <dir>/node_modules/statsd/stats.js <config.js>`` listening on free
ports (UDP, and optionally TCP and a Unix socket, plus a free management
port) and stops it in cleanup.

How values are read back: the daemon runs with its **console backend** and
a short ``flushInterval``.  At every flush the console backend prints what
the daemon aggregated over the interval (counters scaled by sample rate,
timer values, gauges, timer statistics) as a Node ``util.inspect``
literal; a reader thread parses each block and accumulates across flushes:
counters are summed, timer values concatenated (``timer_counts`` adds up
the daemon's own per-timer ``count``, exact even past the 100 values the
console prints per timer), gauges keep their last value.  The management
TCP interface is used to know the daemon is up (``health``) and is open to
tests through :meth:`StatsdDaemon.mgmt`; it is not used for values because
its ``counters``/``timers`` only show the current flush interval, which the
daemon resets at every flush.
"""

import collections
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import fixtures

from tests.functional import base

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class StatsdUnavailable(Exception):
    """node or the statsd package is missing."""


def statsd_dir():
    return os.environ.get('TIDINGS_STATSD_DIR') or os.path.join(REPO,
                                                                '.statsd')


def find_daemon():
    """``(node, stats.js)``, or raise StatsdUnavailable saying why."""
    node = shutil.which('node')
    if node is None:
        raise StatsdUnavailable('node is not installed; the StatsD daemon '
                                'needs it')
    script = os.path.join(statsd_dir(), 'node_modules', 'statsd',
                          'stats.js')
    if not os.path.exists(script):
        raise StatsdUnavailable('the StatsD daemon is not installed at %s; '
                                'run tools/install-statsd.sh' % script)
    return node, script


# -- parsing the console backend's util.inspect output ----------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<more>\.\.\.\ \d+\ more\ items?)
  | (?P<ref>\[(?:Object|Array|Function[^\]]*|Circular[^\]]*)\])
  | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<dq>"(?:[^"\\]|\\.)*")
  | (?P<num>-?(?:\d+\.?\d*(?:e[+-]?\d+)?|Infinity))
  | (?P<word>[A-Za-z_$][\w$]*)
  | (?P<punct>[{}\[\]:,()])
""", re.VERBOSE)
_WORDS = {'true': True, 'false': False, 'null': None, 'undefined': None,
          'NaN': None, 'Infinity': float('inf')}


def _tokens(text):
    pos = 0
    out = []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError('cannot parse console output at %r'
                             % text[pos:pos + 40])
        pos = match.end()
        kind = match.lastgroup
        if kind != 'ws':
            out.append((kind, match.group()))
    return out


def _unquote(token):
    body = token[1:-1]
    return re.sub(r'\\(.)', r'\1', body)


def parse_inspect(text):
    """A Python value from a Node ``util.inspect`` literal (the subset the
    console backend prints: objects, arrays, strings, numbers)."""
    tokens = _tokens(text)
    value, pos = _value(tokens, 0)
    return value


def _value(tokens, pos):
    kind, tok = tokens[pos]
    if tok == '{':
        return _object(tokens, pos + 1)
    if tok == '[':
        return _array(tokens, pos + 1)
    if kind in ('sq', 'dq'):
        return _unquote(tok), pos + 1
    if kind == 'num':
        number = float(tok)
        return (int(number) if number.is_integer() and 'e' not in tok
                and '.' not in tok else number), pos + 1
    if kind == 'word':
        if pos + 1 < len(tokens) and tokens[pos + 1][1] == '(':
            # e.g. Set(0) {}: skip the constructor tag
            return _value(tokens, pos + 4)
        return _WORDS.get(tok, tok), pos + 1
    if kind == 'ref':
        return None, pos + 1
    raise ValueError('unexpected %r in console output' % tok)


def _object(tokens, pos):
    out = {}
    while tokens[pos][1] != '}':
        kind, tok = tokens[pos]
        key = _unquote(tok) if kind in ('sq', 'dq') else tok
        if tokens[pos + 1][1] != ':':
            raise ValueError('expected ":" after key %r' % key)
        out[key], pos = _value(tokens, pos + 2)
        if tokens[pos][1] == ',':
            pos += 1
    return out, pos + 1


def _array(tokens, pos):
    out = []
    while tokens[pos][1] != ']':
        if tokens[pos][0] == 'more':
            pos += 1
        else:
            item, pos = _value(tokens, pos)
            out.append(item)
        if tokens[pos][1] == ',':
            pos += 1
    return out, pos + 1


_LISTINGS = ('stats', 'counters', 'timers', 'gauges')


# -- the daemon ---------------------------------------------------------------

class StatsdDaemon(fixtures.Fixture):
    """A real StatsD daemon on free ports; what it aggregated, summed.

    :param flush_interval_ms: the daemon's ``flushInterval``.
    :param tcp: also listen on a free TCP port (``tcp_port``).
    :param unix: also listen on a Unix stream socket (``socket_path``).
    :param port: the UDP port (default: a free one).
    """

    def __init__(self, flush_interval_ms=100, tcp=False, unix=False,
                 start_timeout=15.0, port=None):
        super().__init__()
        self.fixed_port = port
        self.flush_interval_ms = flush_interval_ms
        self.tcp = tcp
        self.unix = unix
        self.start_timeout = start_timeout
        self.host = '127.0.0.1'
        self.port = None
        self.tcp_port = None
        self.socket_path = None
        self.mgmt_port = None
        self.process = None
        self.flushes = 0
        self.errors = []
        self._counters = collections.Counter()
        self._timers = collections.defaultdict(list)
        self._timer_counts = collections.Counter()
        self._timer_sums = collections.Counter()
        self._gauges = {}
        self._cond = threading.Condition()
        self._output = collections.deque(maxlen=200)

    def _setUp(self):
        node, script = find_daemon()
        workdir = self.useFixture(fixtures.TempDir()).path
        self.port = self.fixed_port or base.free_port(socket.SOCK_DGRAM)
        self.mgmt_port = base.free_port()
        servers = ['{server: "./servers/udp", address: "%s", port: %d}'
                   % (self.host, self.port)]
        if self.tcp:
            self.tcp_port = base.free_port()
            servers.append('{server: "./servers/tcp", address: "%s", '
                           'port: %d}' % (self.host, self.tcp_port))
        if self.unix:
            # short path: AF_UNIX paths are limited to ~100 bytes
            sockdir = tempfile.mkdtemp(prefix='tsd')
            self.addCleanup(shutil.rmtree, sockdir, True)
            self.socket_path = os.path.join(sockdir, 's')
            servers.append('{server: "./servers/tcp", socket: "%s"}'
                           % self.socket_path)
        config = os.path.join(workdir, 'config.js')
        with open(config, 'w') as out:
            out.write('{\n  servers: [%s],\n' % ', '.join(servers))
            out.write('  mgmt_address: "%s", mgmt_port: %d,\n'
                      % (self.host, self.mgmt_port))
            out.write('  flushInterval: %d,\n' % self.flush_interval_ms)
            out.write('  backends: ["./backends/console"],\n')
            out.write('  console: {prettyprint: false},\n')
            out.write('  deleteIdleStats: true\n}\n')
        self.process = subprocess.Popen(
            [node, script, config], cwd=os.path.dirname(script),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, bufsize=1)
        reader = threading.Thread(target=self._read, daemon=True,
                                  name='statsd-daemon-reader')
        reader.start()
        # cleanups run last-in first-out: stop the daemon, then the reader
        self.addCleanup(reader.join, 5)
        self.addCleanup(self.stop)
        self._wait_up()

    def _wait_up(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    'the StatsD daemon exited with %s: %s' % (
                        self.process.returncode, '\n'.join(self._output)))
            try:
                if 'up' in self.mgmt('health', timeout=1.0):
                    if self.flushes_since(0, timeout=5.0):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError('the StatsD daemon did not come up within '
                                '%.0fs: %s' % (self.start_timeout,
                                               '\n'.join(self._output)))

    def stop(self):
        """Stop the daemon now (idempotent; cleanup does it anyway)."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _read(self):
        block = None
        for line in self.process.stdout:
            self._output.append(line.rstrip())
            if line.startswith('Flushing stats at'):
                block = []
                continue
            if block is None:
                continue
            block.append(line)
            if line.rstrip() == '}':
                try:
                    self._absorb(parse_inspect(''.join(block)))
                except (ValueError, IndexError, KeyError) as exc:
                    self.errors.append('%s in %r' % (exc, ''.join(block)))
                block = None
        self.process.stdout.close()

    def _absorb(self, flush):
        with self._cond:
            for name, value in (flush.get('counters') or {}).items():
                self._counters[name] += value
            for name, values in (flush.get('timers') or {}).items():
                self._timers[name].extend(values)
            for name, data in (flush.get('timer_data') or {}).items():
                if isinstance(data, dict):
                    self._timer_counts[name] += data.get('count') or 0
                    self._timer_sums[name] += data.get('sum') or 0
            self._gauges.update(flush.get('gauges') or {})
            self.flushes += 1
            self._cond.notify_all()

    # reading back

    def mgmt(self, command, timeout=5.0):
        """Send a management command; the daemon's answer as text."""
        with socket.create_connection((self.host, self.mgmt_port),
                                      timeout=timeout) as sock:
            sock.sendall(command.encode() + b'\n')
            ends = b'END\n' if command.split()[0] in _LISTINGS else b'\n'
            received = b''
            while not received.endswith(ends) and \
                    not received.endswith(ends + b'\n'):
                data = sock.recv(65536)
                if not data:
                    break
                received += data
        return received.decode()

    def counters(self):
        """Counter totals over every flush so far (sample rate applied)."""
        with self._cond:
            return dict(self._counters)

    def timers(self):
        """Timer values over every flush (at most 100 per timer per
        flush, as the console backend prints them)."""
        with self._cond:
            return {k: list(v) for k, v in self._timers.items()}

    def timer_counts(self):
        with self._cond:
            return dict(self._timer_counts)

    def gauges(self):
        with self._cond:
            return dict(self._gauges)

    def flushes_since(self, count, timeout=5.0):
        """Wait for a flush after the ``count``-th; True when one came."""
        with self._cond:
            return self._cond.wait_for(lambda: self.flushes > count,
                                       timeout)

    def settle(self, timeout=5.0):
        """Wait for two more flushes: what was sent before is counted."""
        with self._cond:
            start = self.flushes
            return self._cond.wait_for(lambda: self.flushes >= start + 2,
                                       timeout)

    def wait_for_counter(self, name, value, timeout=10.0):
        """Wait until counter ``name`` reaches ``value``; its total."""
        with self._cond:
            self._cond.wait_for(lambda: self._counters.get(name, 0) >= value,
                                timeout)
            return self._counters.get(name, 0)

    def wait_for_timer(self, name, count, timeout=10.0):
        with self._cond:
            self._cond.wait_for(
                lambda: self._timer_counts.get(name, 0) >= count, timeout)
            return list(self._timers.get(name, ()))


def start_statsd(test, **kwargs):
    """Start a daemon for ``test`` (a FunctionalTestCase); skip or fail
    as CI demands when node or statsd is missing."""
    try:
        find_daemon()
    except StatsdUnavailable as exc:
        test.unavailable(str(exc))
    return test.useFixture(StatsdDaemon(**kwargs))
