"""The session store: Django's database sessions, read by one prepared SQL statement.

Every signed-in request reads its session row. Through the ORM that read cost more in building the query
(~1 ms of Python per request) than PostgreSQL took to answer it. The SQL below asks what the ORM's query
asked (the key, not expired) and names its one column (a prepared statement must keep its result's shape
when a migration adds a column); the row and every write (save, delete, clear_expired) are Django's.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


def sessions_in_the_database() -> bool:
    """SESSION_ENGINE keeps sessions as rows of django_session (this store, or Django's own)."""
    return issubclass(import_module(settings.SESSION_ENGINE).SessionStore, db.SessionStore)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
