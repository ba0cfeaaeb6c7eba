#!/usr/bin/env python3
r"""Record what redis-server returns for each Lua expression in a cases file.

Usage: tools/record-lua-corpus.py [--port 7391] CASES OUT

CASES holds one case per line (blank lines and comment lines, `# ` at the start, are kept as they are):
an expression, sent as `return <expr>`, or a chunk prefixed with `!`, sent as it is.
OUT gets `<case> -> <reply>` lines, the reply in a compact notation that LuaCorpusTest
rebuilds from the value the script returns under RESP2's conversion rules:
  123          integer reply
  "..."        bulk string (\\ \" \n \r \t \0 and \xHH escapes)
  nil          null bulk
  +text        status reply ({ok=...})
  -text        error reply ({err=...})
  [a, b]       array
  !message     the script raised an error; `ERR ` and Redis's `script: <sha>, on @user_script:N.`
               suffix are removed
"""
import re
import socket
import sys


def encode(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        if isinstance(a, str):
            a = a.encode('utf-8', 'surrogateescape')
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port))
        self.f = self.s.makefile('rb')

    def call(self, *args):
        self.s.sendall(encode(*args))
        return self.read()

    def read(self):
        line = self.f.readline()[:-2]
        t, rest = line[:1], line[1:]
        if t == b':':
            return ('int', int(rest))
        if t == b'+':
            return ('status', rest)
        if t == b'-':
            return ('error', rest)
        if t == b'$':
            n = int(rest)
            if n < 0:
                return ('nil',)
            data = self.f.read(n + 2)[:-2]
            return ('bulk', data)
        if t == b'*':
            n = int(rest)
            if n < 0:
                return ('nil',)
            return ('array', [self.read() for _ in range(n)])
        raise ValueError(line)


def quote(b):
    out = ['"']
    for c in b:
        ch = chr(c)
        if ch == '\\' or ch == '"':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif c == 0:
            out.append('\\0')
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append('\\x%02x' % c)
    out.append('"')
    return ''.join(out)


SUFFIX = re.compile(rb' script: [0-9a-f]{40}, on @user_script:\d+\.$')


def render(r, top=True):
    kind = r[0]
    if kind == 'int':
        return str(r[1])
    if kind == 'nil':
        return 'nil'
    if kind == 'bulk':
        return quote(r[1])
    if kind == 'status':
        return '+' + r[1].decode('latin-1')
    if kind == 'array':
        return '[' + ', '.join(render(x, False) for x in r[1]) + ']'
    if kind == 'error':
        msg = r[1]
        if top and msg.startswith(b'ERR user_script:') or SUFFIX.search(msg):
            msg = SUFFIX.sub(b'', msg)
            if msg.startswith(b'ERR '):
                msg = msg[4:]
            return '!' + msg.decode('latin-1')
        return '-' + msg.decode('latin-1')
    raise ValueError(r)


def main():
    args = sys.argv[1:]
    port = 7391
    if args[0] == '--port':
        port = int(args[1])
        args = args[2:]
    cases, out = args
    conn = Conn(port)
    lines = []
    with open(cases, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('# ') or line == '#':
                lines.append(line)
                continue
            script = line[1:] if line.startswith('!') else 'return ' + line
            reply = conn.call('EVAL', script, '0')
            lines.append(line + ' -> ' + render(reply))
    with open(out, 'w', encoding='utf-8') as f:
        f.write('# Recorded from redis-server 7.0.15 by tools/record-lua-corpus.py; do not edit by hand.\n')
        for line in lines:
            f.write(line + '\n')


if __name__ == '__main__':
    main()
