"""The ceiling for bulk writes on this machine: the sqlite3 command line inserting N touchpoint-shaped rows
(same columns and indexes as Accord's touchpoints table) with one INSERT ... SELECT in one transaction,
WAL and synchronous=FULL like Accord. Prints JSON with rows/s, with and without the indexes."""
import json
import os
import subprocess
import sys
import time

rows, path = int(sys.argv[1]), sys.argv[2]
SCHEMA = """
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
CREATE TABLE touchpoints (id BLOB PRIMARY KEY, event_id TEXT UNIQUE, person_id BLOB NOT NULL, campaign_id BLOB,
  kind TEXT NOT NULL, side TEXT NOT NULL, channel TEXT NOT NULL, occurred_at REAL NOT NULL, created_at REAL);
"""
INDEXES = """
CREATE INDEX touchpoints_person_id_occurred_at_idx ON touchpoints (person_id, occurred_at);
CREATE INDEX touchpoints_campaign_id_occurred_at_idx ON touchpoints (campaign_id, occurred_at);
CREATE INDEX touchpoints_occurred_at_idx ON touchpoints (occurred_at);
"""
# The same page cache as Accord's connections (StorePreparation.sqliteCacheKiB).
INSERT = f"""
PRAGMA cache_size=-131072;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {rows})
INSERT INTO touchpoints SELECT randomblob(16), NULL, randomblob(16), randomblob(16), 'clicked', 'marketing',
  'email', 1.7e9 + x * 30.0, 1.7e9 + x * 30.0 FROM n;
COMMIT;
"""


def measure(with_indexes):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    subprocess.run(["sqlite3", path], input=SCHEMA + (INDEXES if with_indexes else ""), text=True, check=True,
                   capture_output=True)
    started = time.perf_counter()
    subprocess.run(["sqlite3", path], input=INSERT, text=True, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "rowsPerSecond": rows / seconds}


print(json.dumps({"indexed": measure(True), "plain": measure(False)}))
