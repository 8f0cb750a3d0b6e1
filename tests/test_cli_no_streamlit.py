"""The command line loads no Streamlit: importing it costs seconds and a command has no use for it.
Every command-line module is imported, and each command's --help built, in a fresh interpreter."""
from __future__ import annotations

import json
import subprocess
import sys

from dashboard import config

# What `python -m dashboard` dispatches to, and what those commands import when they run
# (some only inside a function: the import's validation, the report's rendering).
CLI_MODULES = [
    "dashboard.__main__", "dashboard.validate", "dashboard.demo", "dashboard.ingest", "dashboard.ingest.cli",
    "dashboard.ingest.pipeline", "dashboard.ingest.versions", "dashboard.report", "dashboard.report.cli",
    "dashboard.report.pack", "dashboard.report.render", "dashboard.users", "dashboard.auth", "dashboard.audit",
    "dashboard.db", "dashboard.config", "dashboard.maps", "dashboard.prepare",
]

_PROBE = r"""
import importlib, json, sys
loaded = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    if name == "dashboard.__main__":
        from dashboard.__main__ import COMMANDS, main
        for command in COMMANDS:
            try:
                main([command, "--help"])
            except SystemExit:
                pass
    # Which module first brought Streamlit in, if any.
    loaded[name] = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
print(json.dumps(loaded))
"""


def _streamlit_after_importing(*modules: str) -> dict[str, list[str]]:
    """Import the modules in order in a fresh interpreter: module -> the Streamlit modules loaded by then."""
    proc = subprocess.run([sys.executable, "-c", _PROBE, *modules], capture_output=True, text=True, timeout=300,
                          cwd=config.PROJECT_DIR)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_command_line_modules_load_no_streamlit():
    loaded = _streamlit_after_importing(*CLI_MODULES)
    assert {m: found for m, found in loaded.items() if found} == {}
    assert list(loaded) == CLI_MODULES


def test_every_dispatched_command_is_checked():
    from dashboard.__main__ import COMMANDS
    assert {m for m, _ in COMMANDS.values()} <= set(CLI_MODULES)


def test_the_probe_would_see_streamlit():
    """The Streamlit side does load it, so an empty answer above means something."""
    assert "streamlit" in _streamlit_after_importing("dashboard.access")["dashboard.access"]
