"""The engine is a library: importing it must not pull in Django or the apps."""

from __future__ import annotations

import subprocess
import sys


def test_engine_imports_no_framework() -> None:
    code = (
        "import sys, configurator.engine.model, configurator.engine.rules, configurator.engine.schema\n"
        "banned = {'django', 'rest_framework', 'celery', 'catalog', 'orders'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned)\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
