"""Exit codes of `narrmon`: what a cron job or a shell script can rely on."""

from __future__ import annotations

from collections.abc import Sequence

from narrmon.summary import SourceSummary

OK = 0
# A fatal, explained error: bad settings or config, database unreachable, bad input.
ERROR = 1
# The command line itself is wrong (unknown option, bad choice): click's own code.
USAGE = 2
# `narrmon run`: some sources failed, the others were stored.
SOME_SOURCES_FAILED = 3
# `narrmon run`: no source succeeded (e.g. every outlet unreachable).
ALL_SOURCES_FAILED = 4
# `narrmon health`: at least one enabled source is unhealthy.
UNHEALTHY = 1

EXIT_CODES_HELP = (
    "\b\nExit codes:\n"
    f"  {OK}  success (quarantined items included)\n"
    f"  {ERROR}  fatal error, explained in one line (bad setting, database unreachable, ...)\n"
    f"  {USAGE}  bad command line\n"
    f"  {SOME_SOURCES_FAILED}  run: some sources failed (the summary names each cause)\n"
    f"  {ALL_SOURCES_FAILED}  run: no source succeeded"
)


def run_exit_code(sources: Sequence[SourceSummary]) -> int:
    """The exit code of a run with these per-source outcomes."""
    failed = sum(1 for s in sources if s.status != "ok")
    if not failed:
        return OK
    return ALL_SOURCES_FAILED if failed == len(sources) else SOME_SOURCES_FAILED
