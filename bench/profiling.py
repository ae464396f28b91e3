"""Where a benchmark's time goes: CPU seconds per process and py-spy flame graphs under `.artifacts/`.

py-spy samples a running process from outside (no code of ours changes), so the figures it draws are of
the same run the benchmark measures; we chose it over cProfile for that and because its SVG needs no
other tool to read.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts"
TICKS = os.sysconf("SC_CLK_TCK")


def family(pids: list[int]) -> list[int]:
    """The processes and their descendants (a function's server may fork workers)."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(proc.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(pids: list[int], descendants: bool = True) -> float:
    """User plus system CPU time so far of the processes (and their descendants), in seconds."""
    total = 0
    for pid in family(pids) if descendants else pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))
    return total / TICKS


@contextmanager
def flame_graph(name: str, pids: list[int], enabled: bool = True) -> Iterator[Path | None]:
    """Sample `pids` (and their subprocesses) with py-spy while the block runs; the SVG's path, or None
    when profiling is off. Written to `.artifacts/{name}.svg` once the block ends."""
    if not enabled:
        yield None
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.svg"
    # --gil: only the thread holding the GIL, so the graph shows where the CPU of our Python goes (waiting
    # on the store is the emulator's time, measured apart by `cpu_seconds`).
    argv = [spy, "record", "--subprocesses", "--rate", "200", "--nonblocking", "--gil"]
    recorders = [
        subprocess.Popen(
            [
                *argv,
                "--pid",
                str(pid),
                "--output",
                str(target.with_name(f"{name}-{pid}.svg") if len(pids) > 1 else target),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for pid in pids
    ]
    try:
        yield target
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes the graph on an interrupt
        for recorder in recorders:
            _, err = recorder.communicate(timeout=60)
            if recorder.returncode not in (0, -signal.SIGINT):
                print(f"py-spy failed: {err.decode(errors='replace')[-300:]}", file=sys.stderr)
