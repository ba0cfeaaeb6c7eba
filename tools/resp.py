"""RESP over a socket, for the tools that compare two servers reply by reply
(differential-fuzz.py, lua-differential-fuzz.py): requests encoded as redis-cli sends them,
replies read back as bytes that are equal exactly when the servers' bytes are."""
import socket


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Connection:
    def __init__(self, port, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.settimeout(timeout)
        self.buf = b""

    def fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("closed")
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def read(self):
        """A reply as bytes, or (header, [replies]) for an aggregate: equal when the bytes are."""
        line = self.line()
        t = line[:1]
        if t in b"+-:,#_(":
            return line
        if t in b"$=!":
            n = int(line[1:])
            if n < 0:
                return line
            while len(self.buf) < n + 2:
                self.fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return line + b"|" + data
        if t in b"*~>%|":
            n = int(line[1:])
            if n < 0:
                return line
            return (line, [self.read() for _ in range(n * 2 if t in b"%|" else n)])
        raise ValueError("not RESP: %r" % line)

    def call(self, args):
        self.s.sendall(encode(args))
        return self.read()

    def close(self):
        self.s.close()
