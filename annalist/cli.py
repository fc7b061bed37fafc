"""The ``annalist`` command: each subcommand parses, calls one library function, formats.

Exit codes: 0 done; 1 inputs rejected under --strict, or a store check failed; 2 bad
usage; 3 store error; 4 record not found."""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import asdict
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import pipeline
from .errors import AnnalistError, StoreError, UsageError
from .options import DEFAULT_DB, Options
from .outputs.export import FORMATS, export
from .store import Store
from .store.snapshot import current_snapshot

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_STORE, EXIT_NOT_FOUND = 0, 1, 2, 3, 4

out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1e3, "kb": 1e3, "kib": 1024, "m": 1e6, "mb": 1e6, "mib": 1024**2,
          "g": 1e9, "gb": 1e9, "gib": 1024**3}


def _size(value: str) -> int:
    m = _SIZE.match(value)
    if not m or m.group(2).lower() not in _UNITS:
        raise click.BadParameter(f"{value!r} is not a size such as 500KB, 20MB or 1GiB")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


db_option = click.option("--db", default=DEFAULT_DB, show_default=True, metavar="FILE",
                         help="The DuckDB store to read or write.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of a table.")


class _RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.1f} docs/s" if task.speed else "… docs/s")


class _RichProgress(pipeline.Progress):
    def __init__(self, enabled: bool):
        self.bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                            TimeElapsedColumn(), console=err, disable=not enabled, transient=False)
        self.task = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("build", total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        self.bar.stop()


def _open(db: str) -> Store:
    """The store, read-only; while another process writes it, its newest read snapshot."""
    try:
        return Store(db, read_only=True)
    except StoreError as exc:
        snapshot = current_snapshot(db)
        if snapshot is None or "lock" not in str(exc.__cause__ or exc).lower():
            raise
    import duckdb
    from datetime import datetime

    when = datetime.fromtimestamp(snapshot.stat().st_mtime).strftime("%H:%M:%S")
    err.print(Text(f"note: another process is writing {db}; reading the snapshot it published at {when}"))
    return Store.over(duckdb.connect(str(snapshot), read_only=True), db, snapshot=snapshot)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="annalist")
def cli() -> None:
    """annalist turns piles of news articles into sourced, structured records.

    \b
    Start here:
      annalist demo                         build the bundled example corpus and show it
      annalist build articles/ --db news.duckdb
      annalist docs --db news.duckdb        list documents by date and outlet
      annalist show 0456ed3f --db news.duckdb
      annalist export --db news.duckdb --format jsonl --out export/

    Every command that reads takes --db (default: annalist.duckdb in this folder).
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option
@click.option("--strict", is_flag=True, help="Exit with code 1 when any input is rejected.")
@click.option("--max-file-size", default="20MB", show_default=True, metavar="SIZE",
              help="Reject files larger than this (500KB, 20MB, 1GiB).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Documents per spaCy batch and per store transaction.")
@click.option("--reference-date", metavar="YYYY-MM-DD", help="Treat this day as today when inferring dates.")
@click.option("--workers", type=click.IntRange(1, 64), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Processes that parse and extract (the store is written by one).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where the build runs: this machine's processes, or Spark jobs (read, clean, parse, extract, "
                   "and near-duplicates and stories; pip install annalist[spark]).")
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL, with --engine spark.")
@click.option("--no-progress", is_flag=True, help="Draw no progress bar.")
@json_option
def build(paths, db, strict, max_file_size, batch_size, reference_date, workers, engine, master, no_progress,
          as_json) -> None:
    """Ingest articles into the store.

    PATH may be a file, a folder (read recursively), a glob ("news/**/*.html") or - for
    standard input. Formats are recognised from content: plain text (with optional
    "Title:/Outlet:/Date:" header lines), HTML pages, JSON Lines (text or html field, plus
    url, title, published, outlet) and RSS/Atom feeds.

    Rerunning on the same input adds nothing; new or changed files are added or updated;
    an interrupted build resumes where it stopped. Inputs that cannot be read are reported
    one line each (file, line, reason) and counted; the run goes on.
    """
    options = Options(db=db, max_file_bytes=_size(max_file_size), batch_size=batch_size, strict=strict,
                      reference_date=reference_date, progress=not no_progress, workers=workers)
    progress = _RichProgress(enabled=not no_progress and not as_json and err.is_terminal)
    if engine == "spark":
        from .engines.spark import build_spark

        report = build_spark(paths, options, master=master)
    else:
        report = pipeline.build(paths, options, progress=progress)
    for r in report.rejections:
        err.print(f"[yellow]rejected[/] {escape(r.where)}: {escape(r.reason)}", markup=True)  # a name may hold "[...]"
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        out.print(f"read {report.read}, new {report.new}, updated {report.updated}, "
                  f"unchanged {report.unchanged}, rejected {report.rejected} "
                  f"in {report.seconds:.1f}s -> {report.db}")
    if strict and report.rejected:
        sys.exit(EXIT_REJECTED)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="DIR...",
                type=click.Path(exists=True, file_okay=True, dir_okay=True))
@db_option
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.05, 3600), metavar="SECONDS",
              help="Seconds between looks at the folders. A file still changing waits this long.")
@click.option("--once", is_flag=True, help="Take in what is there now (the whole backlog) and exit.")
@click.option("--max-file-size", default="20MB", show_default=True, metavar="SIZE",
              help="Reject files larger than this (500KB, 20MB, 1GiB).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Documents per spaCy batch and per store transaction.")
@click.option("--reference-date", metavar="YYYY-MM-DD", help="Treat this day as today when inferring dates.")
@click.option("--workers", type=click.IntRange(1, 64), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Processes that parse and extract (they stay up between batches).")
@json_option
def watch(paths, db, interval, once, max_file_size, batch_size, reference_date, workers, as_json) -> None:
    """Follow folders and ingest articles as they arrive, until stopped.

    \b
    Every --interval seconds it looks at DIR... (folders or files) and takes in:
      new files and changed files, once they stop changing (a file still
        being written waits an interval);
      lines appended to JSON Lines files, read from where it left off (a last
        line without its newline waits until it is complete);
      new items of RSS/Atom feeds (items already stored are skipped).
    Each batch is stored as build stores it, then stories, entities and peer
    dates are updated and a read snapshot is published for 'annalist serve'.
    One line is logged per batch (--json: one JSON object per line).

    \b
    Ctrl+C or SIGTERM stops it after the transaction in hand (links what was
    stored, exits 0); a second one stops at once, rolling the transaction back.
    Killed outright, it resumes where it stopped on the next start: nothing is
    stored twice and nothing is skipped.

    \b
      annalist watch inbox/ feeds/ --db news.duckdb --interval 5
      annalist serve --db news.duckdb          (beside it: reads the snapshots)
    """
    import signal
    import threading

    from .watch import watch as watch_folders

    options = Options(db=db, max_file_bytes=_size(max_file_size), batch_size=batch_size,
                      reference_date=reference_date, progress=False, workers=workers)
    stop = threading.Event()

    def on_signal(signum, _frame):
        if stop.is_set():
            raise KeyboardInterrupt   # the second request: roll back the transaction in hand
        stop.set()
        err.print(f"{signal.Signals(signum).name}: stopping after the transaction in hand "
                  "(again to stop at once)")

    def log(batch) -> None:
        for r in batch.rejections:
            err.print(Text(f"rejected {r.where}: {r.reason}"))
        if as_json:
            click.echo(json.dumps(batch.as_dict(), ensure_ascii=False), nl=True)
            return
        line = (f"{batch.at:%Y-%m-%d %H:%M:%S} batch {batch.number}: {batch.files} files, {batch.new} new, "
                f"{batch.updated} updated, {batch.unchanged} unchanged, {batch.rejected} rejected "
                f"in {batch.seconds:.1f}s ({batch.rate:.1f} docs/s); {batch.documents:,} documents")
        if batch.pending:
            line += f"; {batch.pending} files still being written"
        if batch.stopped:
            line += "; stopped"
        out.print(Text(line))

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not as_json:
            out.print(Text(f"watching {', '.join(paths)} every {interval:g}s -> {db}"
                           + ("" if once else "  (Ctrl+C stops)")))
        report = watch_folders(paths, options, interval=interval, once=once, on_batch=log, stop=stop)
    except KeyboardInterrupt:
        err.print("stopped at once: the transaction in hand was rolled back; the next start redoes it")
        return
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    summary = (f"{'stopped' if report.stopped else 'done'}: {report.batches} batches, {report.new} new, "
               f"{report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected"
               + (f"; {report.pending} files still being written" if report.pending else ""))
    if as_json:
        click.echo(json.dumps({"summary": report.as_dict()}))
    else:
        out.print(Text(summary))


@cli.command()
@db_option
@click.option("--outlet", help="Only documents of this outlet.")
@click.option("--since", metavar="DATE", help="Only documents published on or after DATE (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Only documents published on or before DATE.")
@click.option("--limit", type=click.IntRange(1), help="At most this many documents.")
@json_option
def docs(db, outlet, since, until, limit, as_json) -> None:
    """List documents by publication date and outlet."""
    with _open(db) as store:
        documents = _select_documents(store, outlet, since, until, limit)
    if as_json:
        click.echo(json.dumps([_doc_summary(d) for d in documents], indent=2, ensure_ascii=False))
        return
    out.print(_documents_table(documents))


def _select_documents(store: Store, outlet, since, until, limit):
    where, params = [], []
    if outlet:
        where.append("lower(outlet) = lower(?)"), params.append(outlet)
    if since:
        where.append("published >= ?"), params.append(since)
    if until:
        where.append("published <= ? || '~'"), params.append(until)  # '~' sorts after any date suffix
    return store.documents(" AND ".join(where), params, limit=limit)


def _doc_summary(d) -> dict:
    pub = d.published
    return {"id": d.id, "published": pub.value if pub else None, "precision": pub.precision if pub else None,
            "published_from": pub.source if pub else None, "confidence": pub.confidence if pub else None,
            "outlet": d.outlet, "title": d.title, "dateline": d.dateline, "language": d.language,
            "source": d.source, "story_id": d.story_id, "duplicate_of": d.duplicate_of}


def _documents_table(documents) -> Table:
    table = Table(title=f"{len(documents)} documents", title_justify="left")
    for col in ("id", "published", "from", "outlet", "dateline", "title / first words"):
        table.add_column(col, overflow="fold" if col == "title / first words" else "ellipsis")
    for d in documents:
        pub = d.published
        date_cell = f"{pub.value}" + ("" if pub.confidence >= 0.7 else "?") if pub else "-"
        heading = d.title or d.text[:70].replace("\n", " ") + "…"
        table.add_row(d.id[:10], date_cell, pub.source if pub else "-", d.outlet or "-", d.dateline or "-",
                      Text(heading))  # Text(): article text is never read as markup
    return table


@cli.command()
@click.argument("doc_id")
@db_option
@click.option("--boilerplate", is_flag=True, help="Also print the lines removed as boilerplate.")
@json_option
def show(doc_id, db, boilerplate, as_json) -> None:
    """Show one document (DOC_ID may be a unique prefix of the id)."""
    with _open(db) as store:
        d = store.document(doc_id)
        if d is None:
            err.print(f"no document with id {doc_id!r} (or the prefix is not unique)")
            sys.exit(EXIT_NOT_FOUND)
        sentences = store.sentences(d.id)
        entities = store.entity_mentions(d.id)
    if as_json:
        record = _doc_summary(d) | {"published_basis": d.published.basis if d.published else None,
                                    "text": d.text, "boilerplate_removed": d.boilerplate_removed,
                                    "sentences": len(sentences),
                                    "entities": [{"start": s, "end": e, "label": lab, "text": t} for s, e, lab, t in entities]}
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    pub = d.published
    out.print(Text(d.title or "(no title)", style="bold"))
    out.print(Text(f"id {d.id}   outlet {d.outlet or '-'}   dateline {d.dateline or '-'}   language {d.language}"))
    out.print(Text(f"published {pub.value} ({pub.precision}, from {pub.source}, confidence {pub.confidence:.2f}): {pub.basis}"
                   if pub else "published: unknown"))
    out.print(Text(f"source {d.source}   {len(sentences)} sentences, {len(entities)} entity mentions\n"))
    out.print(Text(d.text))
    if boilerplate and d.boilerplate_removed:
        out.print(Text("\nremoved as boilerplate:", style="bold"))
        for line in d.boilerplate_removed:
            out.print(Text(f"  - {line}"))


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS) + ["gdelt", "plover"]), default="jsonl",
              show_default=True,
              help="jsonl and parquet follow the export contract; csv carries the same columns; gdelt "
                   "(a GDELT 2.0 event-table TSV) and plover (PLOVER/POLECAT-style JSON) write events "
                   "only, mapped as docs/export-formats.md describes.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@json_option
def export_cmd(db, fmt, out_dir, as_json) -> None:
    """Write one file per record type (documents, stories, events, quotes, amounts,
    agreements, dates, entities) into --out, per the export contract."""
    with _open(db) as store:
        if fmt in ("gdelt", "plover"):
            from .outputs.event_formats import write_gdelt_tsv, write_plover_json

            Path(out_dir).mkdir(parents=True, exist_ok=True)
            path = Path(out_dir) / ("events.gdelt.tsv" if fmt == "gdelt" else "events.plover.jsonl")
            rows = (write_gdelt_tsv if fmt == "gdelt" else write_plover_json)(store, path)
            written = {"events": (path, rows)}
        else:
            written = export(store, out_dir, fmt)
    if as_json:
        click.echo(json.dumps({k: {"file": str(p), "rows": n} for k, (p, n) in written.items()}, indent=2))
    else:
        for record_type, (path, rows) in written.items():
            out.print(f"{rows:>7,} {record_type:<11} {path}")


@cli.command()
@db_option
@json_option
def check(db, as_json) -> None:
    """Verify a store: schema version, every evidence offset reproduces its text, no
    orphan records, no duplicate documents. Exits 1 and lists the problems if any."""
    from .store.check import check_store

    with _open(db) as store:
        problems = check_store(store)
        counts = {t: store.count(t) for t in ("documents", "events", "quotes", "amounts", "agreements", "dates", "entities")}
    if as_json:
        click.echo(json.dumps({"ok": not problems, "counts": counts,
                               "problems": [asdict(p) for p in problems]}, indent=2))
    else:
        for p in problems:
            out.print(Text(str(p)))
        out.print(("ok: " if not problems else f"{len(problems)} problems; ") +
                  ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    if problems:
        sys.exit(EXIT_REJECTED)


@cli.command()
@click.option("--dir", "work_dir", default="annalist-demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo store and exports go.")
@click.option("--corpus", type=click.Path(exists=True), help="The corpus to build (default: the bundled examples).")
@click.option("--no-progress", is_flag=True, help="Draw no progress bar.")
def demo(work_dir, corpus, no_progress) -> None:
    """Build the bundled example corpus, export it and show what was found."""
    corpus = corpus or str(_examples_dir())
    db = str(Path(work_dir) / "annalist.duckdb")
    export_dir = Path(work_dir) / "export"
    Path(work_dir).mkdir(parents=True, exist_ok=True)
    progress = _RichProgress(enabled=not no_progress and err.is_terminal)
    report = pipeline.build([corpus], Options(db=db), progress=progress)
    with _open(db) as store:
        written = export(store, export_dir, "jsonl")
        documents = store.documents()
        stories = store.con.execute(
            "SELECT date, title, len(doc_ids), len(event_ids), outlets FROM stories ORDER BY date NULLS LAST, id").fetchall()
    out.print(_documents_table(documents))
    table = Table(title=f"{len(stories)} stories (all coverage of one happening)", title_justify="left")
    for col in ("date", "articles", "events", "outlets", "headline"):
        table.add_column(col, overflow="fold")
    for day, title, n_docs, n_events, outlets in stories:
        table.add_row(day or "-", str(n_docs), str(n_events), Text(", ".join(outlets or [])), Text(title or ""))
    out.print(table)
    by_outlet: dict[str, int] = {}
    for d in documents:
        by_outlet[d.outlet or "(unknown outlet)"] = by_outlet.get(d.outlet or "(unknown outlet)", 0) + 1
    out.print("by outlet: " + ", ".join(f"{k} {v}" for k, v in sorted(by_outlet.items())))
    out.print(f"\nread {report.read}, new {report.new}, unchanged {report.unchanged}, rejected {report.rejected}")
    for r in report.rejections:
        out.print(Text(f"  rejected {r.where}: {r.reason}"))
    out.print(f"store:   {db}\nexports: {export_dir}/ ({', '.join(f'{k} {n}' for k, (_, n) in written.items())})")
    out.print(f"next:    annalist docs --db {db}    annalist show ID --db {db}")


def _examples_dir() -> Path:
    here = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    if not here.is_dir():
        raise UsageError(f"the bundled example corpus is not at {here}; pass --corpus PATH")
    return here


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except UsageError as exc:
        err.print(f"error: {exc}")
        sys.exit(EXIT_USAGE)
    except StoreError as exc:
        err.print(f"store error: {exc}")
        sys.exit(EXIT_STORE)
    except AnnalistError as exc:
        err.print(f"error: {exc}")
        sys.exit(EXIT_STORE)
    except duckdb.Error as exc:   # a store DuckDB cannot read or write (locked, damaged, disk full)
        err.print(f"store error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        sys.exit(EXIT_STORE)


# ==== explorer, search and brief: serve, search, brief ==========================================
# (the web/outputs block; heavy imports happen inside the commands so other commands start fast)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default serves this machine only; 0.0.0.0 shares the store "
                   "with your whole network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve(db, host, port) -> None:
    """Browse the store in a web browser: timeline, stories side by side, events with their
    evidence, entities, quotes, figures and full-text search.

    \b
    Requests read the newest snapshot that 'annalist build' or 'annalist watch' published
    after a committed batch, so a writer may run beside the server and pages never show half
    a batch. A store with no snapshot yet is read directly; while a writer holds it, pages
    answer "store busy, retry" (HTTP 503 with Retry-After).
    A JSON API lives under /api (schema: /api/openapi.json). Ctrl+C stops the server.

    \b
      annalist serve --db news.duckdb            then open http://127.0.0.1:8000/
    """
    if not Path(db).exists():
        raise StoreError(f"{db}: no such store (run 'annalist build' first)")
    import uvicorn

    from .web import create_app
    if host not in _LOOPBACK:
        err.print(f"[yellow]warning[/] serving on {host}: anyone who can reach this machine can read the store",
                  markup=True)
    out.print(f"serving {db} at http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl+C stops)")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


@cli.command(name="search")
@click.argument("query")
@db_option
@click.option("--type", "kinds", multiple=True, type=click.Choice(["document", "event", "quote", "entity"]),
              help="Only this kind of result (repeat for several; default all).")
@click.option("--since", metavar="DATE", help="Only records dated on or after DATE (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Only records dated on or before DATE.")
@click.option("--country", "countries", multiple=True, metavar="ISO3", help="Only records involving this country (repeatable).")
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet (repeatable).")
@click.option("--plover", multiple=True, metavar="TYPE", help="Only events (and their articles) of this PLOVER type.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500), help="At most this many hits.")
@json_option
def search_cmd(query, db, kinds, since, until, countries, outlets, plover, limit, as_json) -> None:
    """Full-text search of articles, events, quotes and entities, best match first (BM25).

    \b
    QUERY is words ("wind loan"), a phrase in quotes ('"good neighbours"'), or uses
    AND, OR and -word. A query that does not parse is searched as plain words.
    Every hit cites its document and the character offsets of the passage:
      annalist search '"trade turnover" AND 2024' --db news.duckdb --type quote
      annalist show DOC_ID --db news.duckdb     (to read the whole article)

    The index is kept beside the store (news.duckdb.search/) and rebuilt when the store changed.
    """
    from .outputs.records import Filters
    from .outputs.search import search
    filters = Filters.make(since, until, countries, plover, outlets)
    with _open(db) as store:
        result = search(db, query, tuple(kinds), filters, limit=limit, con=store.con, snapshot=store.snapshot)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    note = " (searched as plain words: the query syntax did not parse)" if result.plain_words else ""
    out.print(f"{result.total} hit{'s' if result.total != 1 else ''} for {query!r}{note}")
    for i, h in enumerate(result.hits, 1):
        out.print(Text.assemble((f"{i:>3}. ", "bold"), (f"[{h.kind}] ", "cyan"), (h.title or "(untitled)", "bold"),
                                f"  {h.outlet or ''} {h.date or ''}".rstrip()))
        snippet = Text("     " + " ".join(h.snippet.split("\n")))
        for a, b in h.highlights:  # article text stays plain Text; only our styles are applied
            snippet.stylize("bold yellow", a + 5, b + 5)
        out.print(snippet)
        out.print(Text(f"     {h.doc_id} §{h.start}-{h.end}", style="dim"))


@cli.command(name="timeline")
@db_option
@click.option("--actor", "actors", multiple=True, metavar="ACTOR",
              help="Keep events this actor takes part in: a country (KAZ, IGO:SCO) or part of a name "
                   "(Tokayev). Repeat: every one must take part (--actor KAZ --actor CHN).")
@click.option("--since", metavar="DATE", help="Events from this date (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Events up to this date.")
@click.option("--type", "types", multiple=True, metavar="PLOVER", help="Only this PLOVER type (repeatable).")
@click.option("--negated", "include_negated", is_flag=True, help="Also list events reported as not happening.")
@json_option
def timeline_cmd(db, actors, since, until, types, include_negated, as_json) -> None:
    """Events in date order, one per happening (fused across outlets), with their story and sources.

    \b
    Background events (recalled in passing) appear at their own date, planned ones at the
    date they are planned for, marked as such. "sources" counts independent sources:
    syndicated copies and several articles of one outlet count once.
      annalist timeline --actor KAZ --actor CHN --since 2025-01 --db news.duckdb
      annalist timeline --type AGREE --type SUPPORT --json --db news.duckdb
    """
    from .outputs.timeline import timeline
    with _open(db) as store:
        result = timeline(store, actors, since, until, types, include_negated)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    table = Table(show_lines=False)
    for col in ("date", "status", "event", "who", "with", "where", "sources", "story"):
        table.add_column(col, overflow="fold")

    def who(actor):
        if not actor:
            return "-"
        return actor["name"] + (f" ({actor['country']})" if actor.get("country") else "")

    for e in result.entries:
        status = e.status + (" [conflicting reports]" if e.conflicts else "")
        table.add_row(e.date or "undated", status, f"{e.plover} {e.cameo}", Text(who(e.source)), Text(who(e.target)),
                      Text((e.location or {}).get("name") or "-"),
                      f"{e.sources} ({', '.join(e.outlets)})" if e.outlets else str(e.sources),
                      Text(e.story.title if e.story and e.story.title else "-"))
    out.print(table)
    out.print(f"{len(result.entries)} events")


@cli.command(name="brief")
@db_option
@click.option("--actor", "actors", multiple=True, metavar="ISO3",
              help="Keep coverage involving this country (repeat: every one must be involved, e.g. "
                   "--actor KAZ --actor CHN for the relations between them).")
@click.option("--since", metavar="DATE", help="From this date (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Up to this date.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="brief.html (one self-contained page) or brief.md (plus brief.timeline.svg beside it).")
@click.option("--title", help="A title instead of the one made from actors and dates.")
@json_option
def brief_cmd(db, actors, since, until, out_path, title, as_json) -> None:
    """Write a readable, sourced brief: key developments in date order, key figures (with
    conflicting reports side by side), notable quotes, agreements and a timeline chart.

    \b
    Every passage is quoted verbatim from an article and carries a numbered citation
    (outlet, title, date, source) and its character offsets, so each can be checked:
      annalist brief --actor KAZ --actor CHN --since 2025-01 --out brief.html --db news.duckdb
    """
    from .outputs.brief import write_brief
    with _open(db) as store:
        report = write_brief(store, out_path, actors, since, until, title)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    out.print(f"{report.developments} developments, {report.figures} figures, {report.quotes} quotes, "
              f"{report.agreements} agreements from {report.sources} articles -> {', '.join(map(str, report.files))}")
# ==== end of the explorer, search and brief block ===============================================
