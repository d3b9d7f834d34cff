"""Real Redis and real Celery workers for tests marked `services` (loaded from tests/conftest.py).

Each test session that uses them starts its OWN redis-server on a free port (never the machine's shared
one), and worker/beat subprocesses (`celery -A portal worker|beat`) pointed at pytest's test database, so
what the test commits is what the workers see: those tests use `django_db(transaction=True)`. They need
PostgreSQL (two processes cannot share SQLite's in-memory test database) and are skipped on SQLite.

Fixtures: `redis_server`, `celery_services` (a factory of workers and beat with the right environment),
`fake_http` (a scripted local HTTP server, e.g. an SMS gateway).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = 20.0, interval: float = 0.05, message: str = "condition"):
    """Poll until `condition()` is truthy; fail the test with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout}s waiting for {message}")


# --- Redis --------------------------------------------------------------------------------------------
class RedisServer:
    """A private redis-server: no persistence, so stopping it loses whatever was queued (the worst case)."""

    def __init__(self, workdir: Path, *settings: str):
        self.port = free_port()
        self.workdir = workdir
        self.settings = settings  # more redis-server arguments, e.g. "--maxmemory", "2mb"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--loglevel",
                "warning",
                *self.settings,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, message=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


# --- Celery processes ---------------------------------------------------------------------------------
@dataclass
class CeleryProcess:
    """A `celery -A portal worker|beat` subprocess in its own process group (so SIGKILL reaches its pool)."""

    name: str
    argv: list[str]
    env: dict
    log_path: Path
    process: subprocess.Popen | None = None
    restart_on_exit: bool = False
    restarts: int = 0
    _stopping: bool = False

    def start(self) -> "CeleryProcess":
        self._spawn()
        if self.restart_on_exit:
            threading.Thread(target=self._supervise, name=f"supervise-{self.name}", daemon=True).start()
        return self

    def _supervise(self) -> None:
        """Start the process again when it exits on its own, as compose's `restart: unless-stopped` does."""
        while not self._stopping:
            time.sleep(0.2)
            if not self._stopping and self.process.poll() is not None:
                with self.log_path.open("a") as log:
                    log.write(f"\n--- exited ({self.process.returncode}), restarted by the supervisor ---\n")
                self.restarts += 1
                self._spawn()

    def _spawn(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 30.0) -> "CeleryProcess":
        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited early:\n{self.log()[-3000:]}")
            return " ready." in self.log()

        wait_for(ready, timeout=timeout, interval=0.1, message=f"{self.name} to be ready")
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole group: the main process and every pool child, as `kill -9` of a container."""
        self._stopping = True
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self._stopping = True
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGQUIT)  # cold shutdown: the test is over
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def pool_children(self) -> list[int]:
        """Pids of the prefork pool's child processes."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]


@dataclass
class CeleryServices:
    """Starts workers and beat against the test database and the private Redis; stops them at teardown."""

    redis: RedisServer
    workdir: Path
    extra_env: dict = field(default_factory=dict)
    started: list[CeleryProcess] = field(default_factory=list)

    def env(self, **overrides) -> dict:
        from django.db import connection

        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}",
                "DATABASE_POOL": "false",
                "REDIS_URL": self.redis.url,
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.workdir / "mail"),
                "SMS_FILE_PATH": str(self.workdir / "sms.jsonl"),
                "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.3",
                "NOTIFICATIONS_SWEEP_AFTER_SECONDS": "2",
                "NOTIFICATIONS_SENDING_LEASE_SECONDS": "4",
                "NOTIFICATIONS_SWEEP_INTERVAL_SECONDS": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        env.update({key: str(value) for key, value in overrides.items()})
        return env

    def worker(
        self,
        name: str = "w1",
        queues: str | None = None,
        concurrency: int = 2,
        restart_on_exit: bool = False,
        **env,
    ) -> CeleryProcess:
        queues = queues or ",".join(settings.PORTAL_QUEUES)
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        process = CeleryProcess(
            name, argv, self.env(**env), self.workdir / f"{name}.log", restart_on_exit=restart_on_exit
        )
        self.started.append(process)
        return process.start().wait_ready()

    def beat(self, **env) -> CeleryProcess:
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(self.workdir / "beat-schedule"),
        ]
        process = CeleryProcess("beat", argv, self.env(**env), self.workdir / "beat.log")
        self.started.append(process)
        process.start()
        wait_for(lambda: "beat: Starting" in process.log(), timeout=20, message="celery beat to start")
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """This test process publishes to `broker_url` for real (no eager mode), then goes back."""
    from portal.celery import app

    def reset_pools():
        # Forget the cached pools (kombu keeps them per broker URL, so they are not closed here).
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_write_url")}
    app.conf.update(broker_url=broker_url, broker_write_url=None, task_always_eager=False)
    reset_pools()
    try:
        yield app
    finally:
        reset_pools()
        app.conf.update(saved)


# --- fixtures ------------------------------------------------------------------------------------------
def _services_available() -> str:
    if settings.DATABASE_VENDOR != "postgresql":
        return "needs PostgreSQL (workers and the test share the test database)"
    if shutil.which("redis-server") is None:
        return "needs redis-server"
    return ""


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    reason = _services_available()
    if reason:
        pytest.skip(reason)
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_services(transactional_db, redis_server, tmp_path):
    """Workers and beat for one test; the private Redis is flushed first so no earlier task leaks in."""
    import redis

    if not redis_server.ping():
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushall()
    services = CeleryServices(redis=redis_server, workdir=tmp_path)
    with publishing_to(redis_server.url):
        try:
            yield services
        finally:
            services.stop_all()


# --- a scripted HTTP server ----------------------------------------------------------------------------
@dataclass
class Recorded:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class FakeHTTP:
    """A local HTTP server in a thread. `responses` is a queue of (status, json body, delay seconds); when
    it is empty, `default` answers. `dedupe_on` (a JSON key) makes it answer a repeated key with the first
    answer, as providers that honour an idempotency reference do."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self.responses: list[tuple[int, dict, float]] = []
        self.default: tuple[int, dict, float] = (200, {}, 0.0)
        self.accepted: dict[str, dict] = {}
        self.dedupe_on = ""
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload, delay = fake._answer(self.path, dict(self.headers), body)
                if delay:
                    time.sleep(delay)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client (a killed worker) went away

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def _answer(self, path, headers, body) -> tuple[int, dict, float]:
        with self.lock:
            self.requests.append(Recorded(path, headers, body))
            status, payload, delay = self.responses.pop(0) if self.responses else self.default
            if self.dedupe_on and 200 <= status < 300:
                key = json.loads(body).get(self.dedupe_on, "")
                if key in self.accepted:
                    return 200, self.accepted[key], 0.0
                payload = payload or {"message_id": f"gw-{len(self.accepted) + 1}"}
                self.accepted[key] = payload
            return status, payload, delay

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_http():
    with FakeHTTP() as server:
        yield server
