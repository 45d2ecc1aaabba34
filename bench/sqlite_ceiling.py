"""SQLite's own ceiling for a transaction the size of a check-in (bench/run.sh).

The statements of pgbench's simple-update script (pgbench -N): one UPDATE, one SELECT and one
INSERT, committed, in a loop of transactions on one file, with guichet's settings (WAL,
synchronous=NORMAL). SQLite takes one writer at a time, so one loop is its ceiling; more writers
only wait for each other.

    python3 bench/sqlite_ceiling.py FILE SECONDS   -> prints: transactions/s p50_ms p99_ms
"""
import random
import sqlite3
import sys
import time

path, seconds = sys.argv[1], float(sys.argv[2])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE accounts (aid INTEGER PRIMARY KEY, bid INTEGER, abalance INTEGER, filler TEXT)")
db.execute("CREATE TABLE history (tid INTEGER, bid INTEGER, aid INTEGER, delta INTEGER, mtime TEXT, filler TEXT)")
ACCOUNTS = 100_000
db.execute("BEGIN")
db.executemany("INSERT INTO accounts VALUES (?, 1, 0, '')", ((i,) for i in range(1, ACCOUNTS + 1)))
db.execute("COMMIT")

latencies = []
end = time.perf_counter() + seconds
while (start := time.perf_counter()) < end:
    aid, delta = random.randint(1, ACCOUNTS), random.randint(-5000, 5000)
    db.execute("BEGIN")
    db.execute("UPDATE accounts SET abalance = abalance + ? WHERE aid = ?", (delta, aid))
    db.execute("SELECT abalance FROM accounts WHERE aid = ?", (aid,)).fetchone()
    db.execute(
        "INSERT INTO history (tid, bid, aid, delta, mtime) VALUES (1, 1, ?, ?, CURRENT_TIMESTAMP)",
        (aid, delta),
    )
    db.execute("COMMIT")
    latencies.append(time.perf_counter() - start)
latencies.sort()
print(
    f"{len(latencies) / seconds:.0f} "
    f"{latencies[len(latencies) // 2] * 1000:.2f} "
    f"{latencies[int(len(latencies) * 0.99)] * 1000:.2f}"
)
