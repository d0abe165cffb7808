"""The service process starts without the engine's signal-processing stack: renders run
in their own processes, and the concat join and the WAV download load what they need
on first use."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_app_leaves_the_engine_stack_unloaded() -> None:
    probe = (
        "import json, sys; import chorus.app; "
        "print(json.dumps(sorted(m for m in ('scipy', 'lameenc', 'chorus.engine.render', "
        "'chorus.engine.video', 'chorus.acts.join') if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []
