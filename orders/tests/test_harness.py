"""The reliability harness's process supervisor: a worker that dies on its own comes back."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from orders.harness import Process, wait_until


def test_a_supervised_process_is_started_again_unless_killed_on_purpose(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    # Exits on its own after a moment, as a Celery worker does on an "Unrecoverable error".
    code = f"open({str(starts)!r}, 'a').write('x'); import time; time.sleep(0.2)"
    process = Process([sys.executable, "-c", code], dict(os.environ), tmp_path / "log", supervised=True)
    try:
        process.start()
        wait_until(lambda: process.restarts >= 2, 20, "two restarts by the supervisor")
        assert "exited with code 0 on its own" in (tmp_path / "log").read_text()

        process.kill()  # on purpose: it stays down
        count = len(starts.read_text())
        time.sleep(1.5)
        assert len(starts.read_text()) == count

        process.start()  # and comes back when asked
        wait_until(lambda: len(starts.read_text()) > count, 20, "a start after the kill")
    finally:
        process.close()
