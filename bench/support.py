"""What the benches share: the throw-away PostgreSQL database they run against, free ports, polling,
percentiles, and a private Celery (a redis-server of their own and one worker) for the task benches."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_database(*, postgres_only: bool = False) -> None:
    """CREATE DATABASE when the one in DATABASE_URL does not exist yet (before Django connects to it).
    `postgres_only`: refuse to run on anything else (a bench whose figure means nothing on SQLite)."""
    import environ
    import psycopg

    url = environ.Env.db_url_config(os.environ.get("DATABASE_URL", ""))
    if "postgres" not in url.get("ENGINE", ""):
        if postgres_only:
            raise SystemExit("Set DATABASE_URL to a PostgreSQL database you can throw away.")
        return
    with psycopg.connect(
        host=url.get("HOST") or None,
        port=url.get("PORT") or None,
        user=url.get("USER") or None,
        password=url.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        name = url["NAME"]
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll until `condition()` is truthy and return its value; stop the bench after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"Timed out waiting for {what}")


def percentile(values, share: float):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- a private Celery: its own redis-server and one worker ------------------------------------------------
@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder (Redis' cwd, the worker's log, mail), removed afterwards unless BENCH_KEEP is
    set."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield workdir
    finally:
        if os.environ.get("BENCH_KEEP"):
            print("kept", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A redis-server of the bench's own on a free port, without persistence (never the machine's shared
    one); yields its URL once it answers."""
    import redis

    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=workdir,
    )

    def answers() -> bool:
        try:
            return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    try:
        wait(answers, 10, "the bench's redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def celery_environment(*, redis_url: str, workdir: Path) -> dict[str, str]:
    """What this process and its worker share (put in os.environ before django.setup()): the private Redis,
    tasks on the worker rather than inline, email to files in `workdir`, and psycopg's pool as in
    production."""
    return {
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "DATABASE_POOL": os.environ.get("DATABASE_POOL", "true"),
    }


@contextlib.contextmanager
def celery_worker(*, queues: str, concurrency: int, name: str, workdir: Path) -> Iterator[None]:
    """One `celery -A portal worker` with this process' environment, its log in `workdir`/worker.log;
    yields once it answers a ping (Django must be set up)."""
    from portal.celery import app

    process = subprocess.Popen(
        [
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
            "--loglevel",
            os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
            "-n",
            name,
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=(workdir / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait(lambda: app.control.ping(timeout=0.5), 60, "the worker")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def celery_noop_rate(count: int) -> float:
    """Celery's own ceiling on the running worker: `count` no-op tasks queued at once (after 50 to warm
    up), tasks per second until the worker has run them all."""
    from notifications.tasks import noop
    from portal.celery import app

    def processed() -> int:
        stats = app.control.inspect(timeout=1).stats() or {}
        return sum(worker["total"].get("notifications.tasks.noop", 0) for worker in stats.values())

    for _ in range(50):
        noop.delay()
    wait(lambda: processed() >= 50, 60, "the warm-up")
    base = processed()
    started = time.perf_counter()
    for _ in range(count):
        noop.delay()
    wait(lambda: processed() >= base + count, 600, "the no-ops", 0.2)
    return count / (time.perf_counter() - started)
