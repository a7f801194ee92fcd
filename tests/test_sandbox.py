"""The parse sandbox: a child process with memory, CPU and wall-clock limits (indicators/load/sandbox)."""

import time

import pandas as pd
import pytest

from indicators.limits import MB
from indicators.load.sandbox import (
    REASON_CPU,
    REASON_MEMORY,
    REASON_TIME,
    SandboxError,
    call_limited,
    limit_problem,
    run_limited,
)

GB = 1024 * MB


def allocate_touched(n_bytes: int, chunk: int = 64 * MB) -> int:
    """Allocate n_bytes in chunks and touch every page, as a runaway reader does."""
    chunks = []
    for _ in range(n_bytes // chunk):
        block = bytearray(chunk)
        block[::4096] = b"\1" * len(block[::4096])
        chunks.append(block)
    return len(chunks)


def spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def small_table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"area_id": [f"A{i}" for i in range(n)], "value": range(n)})


def refuse(text: str) -> None:
    raise ValueError(text)


def test_three_gigabytes_fail_with_a_german_message_and_bounded_child_memory():
    started = time.monotonic()
    outcome = run_limited(allocate_touched, 3 * GB, filename="bombe.csv", memory_bytes=256 * MB)
    assert not outcome.ok
    assert outcome.reason == REASON_MEMORY
    assert outcome.problem.file == "bombe.csv"
    assert str(outcome.problem).startswith("bombe.csv: Die Datei „bombe.csv“ ist zu groß oder zu komplex: sie würde "
                                           "beim Lesen mehr als 256 MB Arbeitsspeicher brauchen")
    assert "Es wurde nichts geändert" in outcome.problem.message
    # the child never got near 3 GB: its peak is its libraries plus the 256 MB allowed
    assert 100 * MB < outcome.peak_rss_bytes < 256 * MB + 300 * MB
    assert time.monotonic() - started < 30
    # the parent is alive and can still allocate
    assert len(bytearray(10 * MB)) == 10 * MB


def test_the_default_limit_stops_a_reader_near_one_gigabyte():
    outcome = run_limited(allocate_touched, 3 * GB, filename="gross.xlsx")
    assert outcome.reason == REASON_MEMORY
    assert "mehr als 1.024 MB Arbeitsspeicher" in outcome.problem.message
    assert 900 * MB < outcome.peak_rss_bytes < 1 * GB + 300 * MB


def test_cpu_limit():
    outcome = run_limited(spin, 30, filename="zaeh.parquet", cpu_seconds=1)
    assert outcome.reason == REASON_CPU
    assert "mehr als 1 Sekunden Rechenzeit" in outcome.problem.message
    assert outcome.seconds < 15


def test_wall_clock_deadline():
    outcome = run_limited(time.sleep, 60, filename="langsam.csv", wall_seconds=2)
    assert outcome.reason == REASON_TIME
    assert "nach 2 Sekunden nicht fertig gelesen" in outcome.problem.message
    assert 2 <= outcome.seconds < 10


def test_a_data_frame_comes_back_and_ordinary_errors_are_raised_unchanged():
    table = call_limited(small_table, 1000, filename="ok.csv")
    pd.testing.assert_frame_equal(table, small_table(1000))
    with pytest.raises(ValueError, match="^Zeile 3: kein Zahlenwert$"):
        call_limited(refuse, "Zeile 3: kein Zahlenwert")
    with pytest.raises(SandboxError) as info:
        call_limited(time.sleep, 60, filename="x.csv", wall_seconds=1)
    assert info.value.problem.file == "x.csv"


def test_peak_memory_is_the_childs_own_not_the_parents():
    ballast = bytearray(600 * MB)                  # a large parent (a long-running server, a test session)
    ballast[::4096] = b"\1" * len(ballast[::4096])
    outcome = run_limited(small_table, 10)
    assert outcome.ok
    assert 20 * MB < outcome.peak_rss_bytes < 400 * MB
    outcome = run_limited(allocate_touched, 512 * MB)
    assert outcome.value == 8 and 512 * MB < outcome.peak_rss_bytes < 512 * MB + 400 * MB
    del ballast


@pytest.mark.parametrize("reason, middle", [
    (REASON_MEMORY, "würde beim Lesen mehr als 64 MB Arbeitsspeicher brauchen und wurde deshalb abgebrochen"),
    (REASON_CPU, "braucht beim Lesen mehr als 5 Sekunden Rechenzeit und wurde deshalb abgebrochen"),
    (REASON_TIME, "wurde nach 7 Sekunden nicht fertig gelesen und deshalb abgebrochen"),
    ("crash", "konnte nicht gelesen werden: das Leseprogramm ist abgestürzt"),
])
def test_every_limit_message_names_the_file_in_its_text(reason, middle):
    # the CLI and fetch print the message alone: the file must be in the text, not only in .file
    problem = limit_problem("/tmp/upload/Daten\x1b[31m 2024.xlsx", reason, memory_bytes=64 * MB,
                            cpu_seconds=5, wall_seconds=7)
    assert problem.message == (f"Die Datei „Daten[31m 2024.xlsx“ ist zu groß oder zu komplex: sie {middle}. "
                               "Es wurde nichts geändert. Bitte die Datei verkleinern (nur die benötigten "
                               "Gebiete, Jahre und Merkmale) oder als einfache CSV-Datei speichern und "
                               "erneut hochladen.")
