"""Django's flush, which refuses to empty the audit log except in a test database.

Test runs flush the database between transactional tests; the append-only triggers would stop that. Only
when the settings say TESTING are the triggers lifted for the flush and put back straight after. Anywhere
else, flush fails on the audit table, as it should.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from upstream.core import audit_triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        """Flushes the database, lifting the audit triggers only in a test database."""
        connection = connections[options["database"]]
        if not getattr(settings, "TESTING", False):
            super().handle(**options)
            return
        audit_triggers.drop(connection)
        try:
            super().handle(**options)
        finally:
            audit_triggers.create(connection)
