"""Load: `annalist serve` answering concurrent clients on loopback while `annalist watch`
ingests into the same store.

    python bench/load.py [--clients 20] [--seconds 40] [--drop-every 6] [--json]

Set-up: the example corpus is built into a fresh store; `annalist watch` follows an inbox
holding it, and `annalist serve` reads the store (through the snapshots watch publishes).
During the run a feeder drops a new varied copy of the corpus (47 articles, people renamed,
figures, dates and wording varied, as in bench/synthetic.py) into the inbox every --drop-every
seconds, so the writer commits batches and publishes snapshots throughout.

Each client (a thread with its own keep-alive connection) requests, in a loop and in a
random order, the explorer's pages and the JSON API: document, story, event and entity
lists, one document, one story, search and the timeline. Reported: requests per second,
p50/p99/max latency, errors (any status other than 200, or a failed connection), and how
many documents watch stored meanwhile. Redirects are followed (a story whose id changed as
coverage merged answers 308 to its new id) and counted; the final status must be 200. Bounded: at most 60 seconds, at most 20 clients.

Exit code 0 when there were no errors and watch stored documents during the run."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spark_vs_local import TODAY  # noqa: E402
from synthetic import write_copy  # noqa: E402  (the same synthetic copies)

MAX_SECONDS, MAX_CLIENTS = 60, 20


def annalist(*args: str) -> list[str]:
    return [sys.executable, "-m", "annalist", *args]


def drop_copy(inbox: Path, staging: Path, k: int) -> None:
    """Copy ``k`` of the corpus written aside, then moved in whole (a watcher sees finished files)."""
    folder = write_copy(staging, k)
    folder.rename(inbox / folder.name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"annalist serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/documents?limit=1", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("annalist serve did not answer within a minute")


def targets(base: str) -> list[str]:
    """The paths the clients request, with ids taken from the store as served."""
    docs = httpx.get(f"{base}/api/documents?limit=10").json()["items"]
    stories = httpx.get(f"{base}/api/stories?limit=10").json()["items"]
    paths = ["/", "/stories", "/events", "/entities", "/documents",
             "/api/documents?limit=20", "/api/stories?limit=20", "/api/events?country=KAZ&limit=20",
             "/api/entities?limit=20", "/api/quotes?limit=20", "/api/amounts?limit=20", "/api/timeline",
             "/api/search?q=railway", "/api/search?q=%22foreign%20minister%22", "/search?q=trade"]
    paths += [f"/api/documents/{d['id']}" for d in docs[:5]] + [f"/documents/{d['id']}" for d in docs[:3]]
    paths += [f"/api/stories/{s['id']}" for s in stories[:3]] + [f"/stories/{s['id']}" for s in stories[:2]]
    return paths


def client(base: str, paths: list[str], until: float, seed: int, out: list, errors: Counter,
           redirects: Counter) -> None:
    rng = random.Random(seed)
    # Redirects followed, as a browser does: a story that grew or merged moved to a new id.
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as http:
        while time.monotonic() < until:
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                resp = http.get(path)
            except httpx.HTTPError as exc:
                errors[f"{type(exc).__name__} {path}"] += 1
                continue
            out.append(time.perf_counter() - t0)
            redirects["followed"] += len(resp.history)
            if resp.status_code != 200:
                errors[f"{resp.status_code} {path.split('?')[0]}"] += 1


def document_count(base: str) -> int:
    return httpx.get(f"{base}/api/documents?limit=1", timeout=30).json()["total"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=MAX_CLIENTS)
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--drop-every", type=float, default=6.0, help="seconds between new copies of the corpus")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.seconds <= MAX_SECONDS):
        ap.error(f"at most {MAX_CLIENTS} clients and {MAX_SECONDS} seconds")
    work = Path(tempfile.mkdtemp(prefix="annalist-load-"))
    inbox, staging, db = work / "inbox", work / "staging", work / "news.duckdb"
    inbox.mkdir(), staging.mkdir()
    procs: list[subprocess.Popen] = []
    try:
        drop_copy(inbox, staging, 0)
        subprocess.run(annalist("build", str(inbox), "--db", str(db), "--reference-date", TODAY, "--no-progress"),
                       check=True, capture_output=True)
        watch = subprocess.Popen(annalist("watch", str(inbox), "--db", str(db), "--reference-date", TODAY,
                                          "--interval", "1", "--workers", "1", "--batch-size", "16", "--json"),
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = free_port()
        serve = subprocess.Popen(annalist("serve", "--db", str(db), "--port", str(port)),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs += [watch, serve]
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, serve)
        paths = targets(base)
        before = document_count(base)

        start = time.monotonic()
        until = start + args.seconds
        latencies: list[float] = []
        errors: Counter = Counter()
        redirects: Counter = Counter()
        threads = [threading.Thread(target=client, args=(base, paths, until, i, latencies, errors, redirects),
                                    daemon=True)
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        k, next_drop = 1, start + 1.0
        while time.monotonic() < until:
            if time.monotonic() >= next_drop:
                drop_copy(inbox, staging, k)
                k, next_drop = k + 1, next_drop + args.drop_every
            time.sleep(0.1)
        for t in threads:
            t.join(timeout=60)
        elapsed = time.monotonic() - start
        after = document_count(base)

        watch.send_signal(signal.SIGTERM)
        watch_out, _ = watch.communicate(timeout=300)
        batches = [json.loads(x) for x in watch_out.splitlines() if x.startswith("{")]
        checked = subprocess.run(annalist("check", "--db", str(db), "--json"), capture_output=True, text=True)
        lat = sorted(latencies)
        summary = {
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "requests": len(lat),
            "requests_per_s": round(len(lat) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
            "p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1) if lat else None,
            "max_ms": round(1000 * lat[-1], 1) if lat else None,
            "errors": sum(errors.values()),
            "error_kinds": dict(errors.most_common(10)),
            "redirects_followed": redirects["followed"],
            "copies_dropped": k - 1,
            "documents_served_before": before,
            "documents_served_after": after,
            "watch_batches": len([b for b in batches if b.get("new") or b.get("updated")]),
            "store_check_ok": checked.returncode == 0,
        }
        print(json.dumps(summary, indent=None if args.json else 2))
        ok = summary["errors"] == 0 and after > before and summary["store_check_ok"]
        return 0 if ok else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
