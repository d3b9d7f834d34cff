"""What the benches share: the throw-away PostgreSQL database they run against."""

import os


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
