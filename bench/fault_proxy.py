"""A TCP proxy on loopback that can cut or stall the way to a server, for fault injection.

    with FaultProxy("127.0.0.1", 5432) as proxy:   # clients connect to proxy.port
        proxy.cut()      # every connection closed, new ones closed on arrival: "server down"
        proxy.stall()    # connections accepted, nothing forwarded either way: "server hung"
        proxy.restore()  # forwarding again (what a stall held back is delivered)

Threads, standard library only: two pumps a connection, each forwarding one direction and
waiting while stalled; the proxy counts the connections it accepted.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from types import TracebackType

CHUNK = 65536
PASS, CUT, STALL = "pass", "cut", "stall"


class FaultProxy:
    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.mode = PASS
        self.accepted = 0
        self._changed = threading.Condition()
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    @classmethod
    def to(cls, database_url: str) -> FaultProxy:
        """A proxy to the server of a postgresql:// URL."""
        from sqlalchemy.engine import make_url

        parsed = make_url(database_url)
        return cls(parsed.host or "127.0.0.1", parsed.port or 5432)

    def url(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by the proxy's."""
        scheme, rest = database_url.split("://", 1)
        credentials, _, after = rest.rpartition("@")
        path = after.split("/", 1)[1] if "/" in after else ""
        prefix = f"{credentials}@" if credentials else ""
        return f"{scheme}://{prefix}127.0.0.1:{self.port}/{path}"

    def cut(self) -> None:
        """Close every connection now; connections made while cut are closed at once."""
        with self._changed:
            self.mode = CUT
            pairs, self._pairs = self._pairs, []
            self._changed.notify_all()
        for client, server in pairs:
            _close(client)
            if server is not None:
                _close(server)

    def stall(self) -> None:
        """Keep connections open and accept new ones, but forward nothing either way."""
        with self._changed:
            self.mode = STALL
            self._changed.notify_all()

    def restore(self) -> None:
        with self._changed:
            self.mode = PASS
            self._changed.notify_all()

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if not self._wait_while_stalled() or self.mode == CUT:
            _close(client)
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
            server.settimeout(None)
        except OSError:
            _close(client)
            return
        with self._changed:
            if self.mode == CUT:
                _close(client)
                _close(server)
                return
            self._pairs.append((client, server))
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _wait_while_stalled(self) -> bool:
        """Hold a new connection while stalled (it is accepted, nothing more); False if cut."""
        with self._changed:
            while self.mode == STALL and not self._closed:
                self._changed.wait()
            return self.mode != CUT and not self._closed

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    break
                if not self._wait_while_stalled():
                    break
                target.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(target)


def _close(connection: socket.socket) -> None:
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        connection.close()
