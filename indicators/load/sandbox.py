"""Run an untrusted parser in a child process with memory, CPU and wall-clock limits.

Whatever the pre-checks in bounded.py miss (a reader that still blows up on a crafted file) must
end as a clear German message, not as a server killed by the kernel's out-of-memory killer. The
parser therefore runs in a fresh interpreter (never a fork of the threaded Streamlit server) whose
address space and CPU time are capped with ``resource.setrlimit``; the parent waits with a
wall-clock deadline and reads the child's peak memory from ``os.wait4``.

The function and its arguments travel by pickle (so the function must be importable by name, like
``indicators.load.loaders.read_table``); the result comes back by pickle, which carries DataFrames.

Peak memory is the child's own high-water mark (VmHWM): reported by the child when it finishes and
sampled by the parent while it runs (for a child that gets killed). ``os.wait4``'s ru_maxrss is not
used: Linux counts the forked copy of the parent in it, before the fresh interpreter starts.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from indicators.formats import fmt_number
from indicators.limits import MAX_PARSE_CPU_SECONDS, MAX_PARSE_MEMORY_BYTES, MAX_PARSE_WALL_SECONDS, MB
from indicators.load.intake import display_name
from indicators.load.validation import Problem

POLL_SECONDS = 0.02
# the child runs this; it reads its task from argv[1] and writes its answer to argv[2]
CHILD_CODE = "import sys; from indicators.load.sandbox import child_main; child_main(sys.argv[1], sys.argv[2])"
# fewer malloc arenas and library threads: each would reserve address space of its own
CHILD_ENV = {"MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1", "ARROW_IO_THREADS": "1",
             # pyarrow's own pool reserves a large arena on first use, which RLIMIT_AS refuses
             "ARROW_DEFAULT_MEMORY_POOL": "system",
             "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}

REASON_MEMORY = "memory"
REASON_CPU = "cpu"
REASON_TIME = "time"
REASON_CRASH = "crash"


@dataclass(frozen=True)
class Outcome:
    """What a sandboxed run gave: the value or a German problem, and the child's peak memory."""

    value: object = None
    problem: Problem | None = None
    reason: str | None = None          # REASON_* when the child failed for its limits
    peak_rss_bytes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None


class SandboxError(Exception):
    """A sandboxed parse failed for its limits; ``problem`` holds the German message."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.problem.message)
        self.outcome = outcome
        self.problem = outcome.problem


def _status_bytes(field: str, pid: int | str = "self") -> int:
    """A size from /proc/<pid>/status (VmSize, VmHWM …) in bytes, 0 where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _address_space() -> int:
    """Bytes of address space this process has mapped (VmSize)."""
    return _status_bytes("VmSize")


def _limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard if kind == resource.RLIMIT_AS else value + 1))


def child_main(task_path: str, answer_path: str) -> None:
    """In the child: load the task, set the limits, run it, write ('ok', value) or ('error', …)."""
    with open(task_path, "rb") as handle:
        sys_path, payload, memory_bytes, cpu_seconds = pickle.load(handle)
    sys.path[:0] = [p for p in sys_path if p not in sys.path]
    try:
        func, args, kwargs = pickle.loads(payload)     # imports the function's module (pandas …)
        # limits only now: the libraries' reserved address space is not the parse's memory
        _limit(resource.RLIMIT_AS, _address_space() + memory_bytes)
        _limit(resource.RLIMIT_CPU, cpu_seconds)
        answer = ("ok", func(*args, **kwargs))
    except MemoryError:
        answer = ("memory", None)
    except BaseException as exc:       # noqa: BLE001 - every failure is reported to the parent
        answer = ("raised", exc)
    peak = _status_bytes("VmHWM")
    try:
        data = pickle.dumps((*answer, peak), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None, peak))
    except Exception as exc:           # noqa: BLE001 - an unpicklable exception or value
        data = pickle.dumps(("raised", RuntimeError(f"{type(exc).__name__}: {exc}"), peak))
    with open(answer_path, "wb") as handle:
        handle.write(data)


def limit_problem(filename: str, reason: str, memory_bytes: int = MAX_PARSE_MEMORY_BYTES,
                  cpu_seconds: int = MAX_PARSE_CPU_SECONDS,
                  wall_seconds: float = MAX_PARSE_WALL_SECONDS) -> Problem:
    """The German message for a parse stopped by its limits: which file, what happened, what to do.

    The file is named in the text itself (not only in Problem.file): the CLI, the fetch command and
    the import page's summary print the message alone.
    """
    if reason == REASON_MEMORY:
        what = (f"würde beim Lesen mehr als {fmt_number(memory_bytes / MB)} MB Arbeitsspeicher "
                "brauchen und wurde deshalb abgebrochen")
    elif reason == REASON_CPU:
        what = (f"braucht beim Lesen mehr als {fmt_number(cpu_seconds)} Sekunden Rechenzeit und "
                "wurde deshalb abgebrochen")
    elif reason == REASON_TIME:
        what = (f"wurde nach {fmt_number(wall_seconds)} Sekunden nicht fertig gelesen und "
                "deshalb abgebrochen")
    else:
        what = "konnte nicht gelesen werden: das Leseprogramm ist abgestürzt"
    return Problem(file=filename, row=None, column=None,
                   message=(f"Die Datei „{display_name(filename)}“ ist zu groß oder zu komplex: sie {what}. "
                            "Es wurde nichts geändert. Bitte die Datei verkleinern (nur die benötigten "
                            "Gebiete, Jahre und Merkmale) oder als einfache CSV-Datei speichern und "
                            "erneut hochladen."))


def _reason(status: int, usage, cpu_seconds: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU or usage.ru_utime + usage.ru_stime >= cpu_seconds:
            return REASON_CPU
        if sig == signal.SIGKILL:
            return REASON_MEMORY     # the kernel's OOM killer or our own deadline (handled before)
    return REASON_CRASH


def run_limited(func, *args, filename: str = "", memory_bytes: int = MAX_PARSE_MEMORY_BYTES,
                cpu_seconds: int = MAX_PARSE_CPU_SECONDS, wall_seconds: float = MAX_PARSE_WALL_SECONDS,
                **kwargs) -> Outcome:
    """Call ``func(*args, **kwargs)`` in a limited child process and return its Outcome.

    A MemoryError, a CPU limit, a deadline or a crash become ``Outcome.problem`` (German, naming
    ``filename``); an ordinary exception raised by ``func`` is re-raised here, unchanged, so callers
    keep their own error handling (e.g. a reader's ValueError with row and column).
    """
    started = time.monotonic()
    payload = pickle.dumps((func, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    with tempfile.TemporaryDirectory(prefix="sandbox-") as tmp:
        task, answer = Path(tmp) / "task.pickle", Path(tmp) / "answer.pickle"
        task.write_bytes(pickle.dumps((list(sys.path), payload, memory_bytes, cpu_seconds)))
        # the child must find this package before it has read the parent's sys.path
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, **CHILD_ENV,
               "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        proc = subprocess.Popen([sys.executable, "-c", CHILD_CODE, str(task), str(answer)],
                                env=env, stdin=subprocess.DEVNULL, close_fds=True)
        timed_out, peak = False, 0
        while True:
            peak = max(peak, _status_bytes("VmHWM", proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > wall_seconds:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(POLL_SECONDS)
        proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here, not by Popen
        seconds = time.monotonic() - started
        if timed_out:
            reason = REASON_TIME
        elif status == 0 and answer.exists():
            kind, value, reported = pickle.loads(answer.read_bytes())
            peak = max(peak, reported)
            if kind == "ok":
                return Outcome(value=value, peak_rss_bytes=peak, seconds=seconds)
            if kind == "raised":
                raise value
            reason = REASON_MEMORY
        else:
            reason = _reason(status, usage, cpu_seconds)
    return Outcome(problem=limit_problem(filename, reason, memory_bytes, cpu_seconds, wall_seconds),
                   reason=reason, peak_rss_bytes=peak, seconds=seconds)


def call_limited(func, *args, filename: str = "", **kwargs):
    """Like run_limited, but return the value and raise SandboxError (with .problem) on a limit."""
    outcome = run_limited(func, *args, filename=filename, **kwargs)
    if not outcome.ok:
        raise SandboxError(outcome)
    return outcome.value
