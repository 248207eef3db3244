"""`narrmon` commands run in the test process, through Click's runner.

A `narrmon` subprocess costs its imports before it does anything: about 0.7 core-s for
most commands and about 5 core-s for `run`, which imports Great Expectations (3.5 s) and
loads the language model. The tests that need a real process (a SIGKILL, two concurrent
runs, a database outage, the entry point itself) start one; the others call the command
here and see the same exit code, stdout and stderr.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

from click.testing import CliRunner

from narrmon.cli import main


@dataclass(frozen=True)
class Ran:
    """What one `narrmon` invocation left: exit code, stdout and stderr apart."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Ran:
    """`narrmon ARGS` in this process. The settings come from the environment, as in a
    process. An exception that escapes a command comes back as its traceback on stderr
    with exit code 1, as it would from the process; the root logger the CLI configures is
    restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        res = CliRunner().invoke(main, list(args), prog_name="narrmon")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    stderr, escaped = res.stderr, res.exception
    if escaped is not None and not isinstance(escaped, SystemExit):
        stderr += "".join(traceback.format_exception(escaped))
    return Ran(res.exit_code, res.stdout, stderr)
