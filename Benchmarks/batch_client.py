"""Posts batches of touchpoints to a running Accord and reports touchpoints per second and latency.
Each batch has 10,000 touchpoints for 2,000 persons (new emails in the first batches), each with an eventId."""
import argparse
import http.client
import json
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("base")
parser.add_argument("--batches", type=int, default=20)
parser.add_argument("--size", type=int, default=10000)
parser.add_argument("--token", required=True, help="an API token with the write scope")
args = parser.parse_args()
url = urllib.parse.urlparse(args.base)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
kinds = ["clicked", "visited", "opened", "downloaded"]
latencies = []
total = 0
started = time.perf_counter()
for batch in range(args.batches):
    body = json.dumps([{
        "eventId": f"bench-{batch}-{i}", "email": f"person{(batch * args.size + i) % 2000}@bench{i % 50}.example",
        "kind": kinds[i % 4], "side": "marketing", "channel": "email",
        "occurredAt": f"2026-0{1 + i % 9}-1{i % 10}T10:{i % 60:02d}:00Z",
    } for i in range(args.size)])
    sent = time.perf_counter()
    connection.request("POST", "/api/v1/touchpoints:batch", body=body, headers={"Content-Type": "application/json", "Authorization": f"Bearer {args.token}"})
    response = connection.getresponse()
    payload = response.read()
    latencies.append(time.perf_counter() - sent)
    if response.status not in (200, 201):
        raise SystemExit(f"batch {batch}: HTTP {response.status}: {payload[:300]!r}")
    total += json.loads(payload)["created"]
elapsed = sum(latencies)
latencies.sort()
print(json.dumps({
    "batches": args.batches, "touchpoints": total, "seconds": elapsed,
    "touchpointsPerSecond": total / elapsed,
    "p50Seconds": latencies[len(latencies) // 2],
    "p99Seconds": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
}))
