"""PostgreSQL going away under load and coming back, as a restart does: gunicorn (the repository's
configuration) talks to the database through a TCP proxy that the test cuts for two seconds. Every answer is a
page or a 503 with Retry-After, never a 500, and the app recovers by itself once the database is back."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import TEST_PASSWORD, csrf_token_from, free_port
from tests.test_production import _environment, _serve

# A database server going away applies to PostgreSQL only (SQLite is a file inside the process).
pytestmark = [pytest.mark.commits, pytest.mark.slow, pytest.mark.postgresql_only]


class TcpProxy:
    """A proxy on loopback in front of a TCP server that can be cut (every connection dropped, new ones
    refused) and restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None

    def start(self) -> "TcpProxy":
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """The database is gone: the listener closes and every connection through it is dropped."""
        assert self.listener is not None
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()

    def restore(self) -> None:
        """The database is back on its address."""
        self.start()


@pytest.fixture
def proxied_database(database_url: str) -> Iterator[tuple[TcpProxy, str]]:
    address = database_url.split("@", 1)[1].split("/", 1)[0]
    host, port = address.rsplit(":", 1) if ":" in address else (address, "5432")
    proxy = TcpProxy((host, int(port))).start()
    yield proxy, database_url.replace(f"@{address}/", f"@127.0.0.1:{proxy.port}/")
    proxy.cut()


def test_the_database_restarting_under_load_gives_503s_not_500s_and_the_app_recovers(
    app, people, proxied_database, tmp_path
):
    proxy, url = proxied_database
    env = _environment(url, tmp_path, free_port())
    server = _serve(env)
    base = env["BASE_URL"]
    try:
        signed_in = requests.Session()
        token = csrf_token_from(signed_in.get(base + "/login", timeout=10).text)
        login = {"email": "facilitator@example.org", "password": TEST_PASSWORD, "csrf_token": token}
        assert signed_in.post(base + "/login", data=login, timeout=10).url == base + "/"
        cookies = signed_in.cookies.get_dict()
        stop, outcomes = threading.Event(), []

        def client() -> None:
            while not stop.is_set():
                response = requests.get(base + "/utmaningar/", cookies=cookies, timeout=30)
                retry = response.headers.get("Retry-After")
                outcomes.append((time.monotonic(), response.status_code, retry))
                time.sleep(0.02)

        clients = [threading.Thread(target=client) for _ in range(8)]
        for thread in clients:
            thread.start()
        time.sleep(1)
        proxy.cut()
        time.sleep(2)
        proxy.restore()
        restored_at = time.monotonic()
        time.sleep(2)
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=60)
    statuses = [status for _at, status, _retry in outcomes]
    print(f"database away for 2 s under load: {statuses.count(200)} pages, {statuses.count(503)} answers 503")
    assert set(statuses) <= {200, 503}
    assert statuses.count(503) > 0 and all(retry == "30" for _at, status, retry in outcomes if status == 503)
    recovered = [status for at, status, _retry in outcomes if at > restored_at + 1]
    assert recovered and set(recovered) == {200}
