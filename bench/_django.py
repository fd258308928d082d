"""Set up Django for a benchmark on a throw-away database.

SQLite in a temporary folder by default; ``BENCH_DATABASE_URL`` selects
another database (it must be one the benchmark may fill and empty). Settings are read at import, so the
environment is prepared before ``django.setup()``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

_ready: dict[str, Any] = {}


def setup() -> str:
    """Configure Django once, migrate, and return the database vendor."""
    if "vendor" in _ready:
        return str(_ready["vendor"])
    folder = tempfile.mkdtemp(prefix="infoline-bench-")
    os.environ["INFOLINE_VAR_DIR"] = folder
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoline.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _ready["vendor"] = connection.vendor
    return connection.vendor
