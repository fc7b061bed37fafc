"""Near-duplicates and stories on Spark, with the stories the local engine gives.

    link_stories_spark(spark, store, work) -> str   (what was done, for the build report)

Why the stories come out the same: a story is a deterministic function of the connected
component of the story graph it lies in (``link.stories``: edges and near-duplicate links
depend on their two documents only, and a component's stories on its members only). So
Spark has to find the components, and each is then clustered by a ``StoryIndex`` of its own
members, in a task. The graph Spark builds may hold an edge too many (thresholds are kept
with a small tolerance, so float rounding can never drop one): an extra edge only merges
two components into one task, whose ``StoryIndex`` finds them apart again; a missing edge
would split a story.

Steps:
1. what clustering sees of every stored document (``pipeline.STORY_*``) is written by the
   store as Parquet (DuckDB ``COPY``): no document passes through the driver's Python.
2. features, in tasks: the MinHash signature and its LSH band keys (``DedupIndex``), the
   document's own day, its words vector and key terms (``stories.graph_features``).
3. candidate links, three kinds, as ``link.stories`` draws them:
   a. near-duplicates: documents sharing an LSH band key (a DataFrame self-join on the key),
      scored with the index's own containment estimate;
   b. dated pairs within the time window: each task takes the documents of one time bucket
      and of the bucket before it and compares them all (sparse products, as the index), and
      sends a spanning forest of the links it finds (connectivity is all step 4 needs);
   c. pairs with an undated document: sharing key terms (a join on the term, counted). Every
      link is kept here (dated ones in b too), a superset of the ``link_k`` strongest the
      local index keeps per document: a component then holds all of a document's candidates,
      so its task's ``StoryIndex`` finds the same strongest ones.
4. connected components: large-star / small-star rounds of DataFrame joins (Kiveris et al.,
   "Connected components in MapReduce and beyond", 2014), O(log n) rounds; nothing is
   collected. GraphFrames would do this too, but its jar is fetched at run time (offline here).
5. stories per component, in tasks: ``StoryIndex.add`` over the members, story ids and
   originals of near-duplicate groups as the local engine names them.
6. one row per document (id, story_id, duplicate_of) goes to Parquet, which the store takes
   with ``pipeline.write_story_links``, the step the local engine ends with too.

Why not Spark MLlib's ``MinHashLSH``: its hash functions and its OR-of-AND banding draw
different candidate pairs from datasketch's, so near-duplicates (and through them stories)
could differ from the local engine's; banding the index's own signatures gives exactly its
candidates.

Every linking run on Spark is a full one (the local engine's saved index is incremental
state for one process; the store keeps none after a Spark build, so a later local build
rebuilds it once). A component's stories are computed in one task: a corpus whose coverage
chains into one giant component clusters it on one core, as the local engine does.
"""
from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ..store import Store

__all__ = ["link_stories_spark"]

log = logging.getLogger(__name__)

_TOLERANCE = 1e-6     # below each threshold: float rounding can add an edge, never drop one
_PARTS_PER_CORE = 4


def link_stories_spark(spark: "SparkSession", store: "Store", work: Path) -> str:
    from .. import pipeline

    work = Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    con = store.con
    # 1. what clustering sees, written by the store
    docs_file = work / "story_docs.parquet"
    con.execute(f"""COPY (SELECT d.id, d.text, d.title, {pipeline.STORY_DAY} AS published,
                                 coalesce(n.names, []) AS names, coalesce(e.event_days, []) AS event_days
                          FROM documents d LEFT JOIN ({pipeline.STORY_NAMES}) n ON n.doc_id = d.id
                          LEFT JOIN ({pipeline.STORY_EVENT_DAYS}) e ON e.doc_id = d.id ORDER BY d.id)
                    TO '{_sql(docs_file)}' (FORMAT PARQUET)""")
    n_docs = con.execute(f"SELECT COUNT(*) FROM read_parquet('{_sql(docs_file)}')").fetchone()[0]
    links_dir = work / "links"
    if n_docs:
        stats = _link(spark, str(docs_file), str(links_dir))
        links = f"read_parquet('{_sql(links_dir)}/*.parquet')"
    else:
        stats = {"components": 0, "stories": 0, "edges": 0, "rounds": 0}
        links = "(SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS story_id, NULL::VARCHAR AS duplicate_of LIMIT 0)"
    # 6. the store takes them as it takes the local engine's
    pipeline.write_story_links(store, links, None)
    shutil.rmtree(work, ignore_errors=True)
    return (f"on Spark: {n_docs} documents, {stats['edges']} links, {stats['components']} components "
            f"({stats['rounds']} rounds), {stats['stories']} stories")


def _link(spark: "SparkSession", docs_file: str, links_dir: str) -> dict[str, int]:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from ..link.stories import Settings

    settings = Settings.default()
    parts = max(1, spark.sparkContext.defaultParallelism) * _PARTS_PER_CORE
    docs = spark.read.parquet(docs_file).repartition(parts, "id")
    # 2. features
    feats = spark.createDataFrame(docs.rdd.mapPartitions(lambda rows: _features(rows, settings)), _feature_schema())
    feats.persist(StorageLevel.MEMORY_AND_DISK)
    # 3a. near-duplicates: a shared band key, then the index's containment estimate
    bands = feats.where(F.col("size") > 0).select("id", F.explode("bands").alias("band"))
    cand = (bands.alias("a").join(bands.alias("b"), "band").where(F.col("a.id") < F.col("b.id"))
            .select(F.col("a.id").alias("a"), F.col("b.id").alias("b")).distinct())
    sigs = feats.select("id", "sig", "size")
    dup_edges = _scored(cand, sigs, lambda it: _dup_scores(it, settings.dedup_threshold))
    # 3b. dated pairs, bucket by bucket
    dated = feats.where(F.col("day").isNotNull()).select("id", "day", "columns", "weights", "norm")
    width = max(1, settings.window_days)
    blocks = (dated.rdd.flatMap(lambda r: [(r.day // width, (0, r)), (r.day // width + 1, (1, r))])
              .groupByKey().flatMap(lambda kv: _block_edges(kv[1], settings)))
    dated_edges = spark.createDataFrame(blocks, "a string, b string")
    # 3c. pairs with an undated document: a shared key term
    keys = feats.select("id", F.col("day").isNull().alias("undated"), F.explode("keys").alias("key"))
    shared = (keys.alias("a").join(keys.alias("b"), "key")
              .where((F.col("a.id") < F.col("b.id")) & (F.col("a.undated") | F.col("b.undated")))
              .groupBy(F.col("a.id").alias("a"), F.col("b.id").alias("b"),
                       (F.col("a.undated") != F.col("b.undated")).alias("mixed"))
              .count())
    cand = shared.where(F.col("count") >= F.when(F.col("mixed"), settings.key_shared_mixed)
                        .otherwise(settings.key_shared)).select("a", "b", "mixed")
    vectors = feats.select("id", "columns", "weights", "norm")
    undated_edges = _scored(cand, vectors, lambda it: _cosines(it, settings.edge_min, settings.edge_min_mixed))
    edges = dup_edges.union(dated_edges).union(undated_edges).distinct()
    edges.persist(StorageLevel.MEMORY_AND_DISK)
    n_edges = edges.count()
    # 4. connected components
    labels, rounds = _components(edges)
    # 5. stories per component
    members = (docs.join(labels, "id", "left").withColumn("component", F.coalesce("component", "id")))
    rows = members.rdd.map(lambda r: (r.component, r)).groupByKey().flatMap(lambda kv: _stories(kv[1]))
    out = spark.createDataFrame(rows, "id string, story_id string, duplicate_of string")
    out.write.mode("overwrite").parquet(links_dir)
    n_stories = spark.read.parquet(links_dir).select("story_id").distinct().count()
    n_components = members.select("component").distinct().count()
    feats.unpersist(), edges.unpersist()
    return {"components": n_components, "stories": n_stories, "edges": n_edges, "rounds": rounds}


# -- step 2: features --------------------------------------------------------------------------

def _feature_schema():
    from pyspark.sql.types import (ArrayType, DoubleType, FloatType, IntegerType, LongType, StringType,
                                   StructField, StructType)

    return StructType([StructField("id", StringType()), StructField("day", LongType()),
                       StructField("columns", ArrayType(IntegerType())), StructField("weights", ArrayType(FloatType())),
                       StructField("norm", DoubleType()), StructField("keys", ArrayType(LongType())),
                       StructField("sig", ArrayType(LongType())), StructField("size", LongType()),
                       StructField("bands", ArrayType(StringType()))])


def _story_doc(row):
    from ..link.stories import StoryDoc

    return StoryDoc(row.id, row.text, row.title, row.published, tuple(row.names or ()), tuple(row.event_days or ()))


def _features(rows: Iterable, settings) -> Iterator[tuple]:
    from ..link.dedup import DedupIndex
    from ..link.stories import graph_features

    dedup = DedupIndex(settings.dedup_threshold)
    bands = dedup.bands()
    for row in rows:
        doc = _story_doc(row)
        g = graph_features(doc, settings)
        sig, size = dedup.sketch(doc.text)
        # a band's key: its number and a digest of its values (a collision only adds a candidate)
        keys = [f"{i}:{hashlib.sha1(sig[a:b].tobytes()).hexdigest()[:16]}" for i, (a, b) in enumerate(bands)]
        yield (doc.doc_id, g.day, g.columns.tolist(), g.weights.tolist(), g.norm, g.keys.tolist(),
               sig.astype(np.int64).tolist(), size, keys)


# -- step 3: links ---------------------------------------------------------------------------------

def _scored(pairs: "DataFrame", values: "DataFrame", score) -> "DataFrame":
    """The candidate pairs ``score`` keeps, given both documents' ``values`` columns."""
    a = values.select(*[values[c].alias(f"a_{c}") for c in values.columns])
    b = values.select(*[values[c].alias(f"b_{c}") for c in values.columns])
    joined = pairs.join(a, pairs.a == a.a_id).join(b, pairs.b == b.b_id)
    return joined.sparkSession.createDataFrame(joined.rdd.mapPartitions(score), "a string, b string")


def _dup_scores(rows: Iterable, threshold: float) -> Iterator[tuple[str, str]]:
    from ..link.dedup import containment

    min_ratio = _min_ratio()
    for r in rows:
        sig_a = np.asarray(r.a_sig, dtype=np.uint32)
        sim = containment(sig_a, r.a_size, np.asarray([r.b_sig], dtype=np.uint32), np.asarray([r.b_size]), min_ratio)[0]
        if sim >= threshold - _TOLERANCE:
            yield r.a, r.b


def _min_ratio() -> float:
    from ..link.dedup import DedupIndex

    return DedupIndex().min_ratio


def _cosines(rows: Iterable, edge_min: float, edge_min_mixed: float) -> Iterator[tuple[str, str]]:
    for r in rows:
        threshold = edge_min_mixed if r.mixed else edge_min
        ca, cb = np.asarray(r.a_columns), np.asarray(r.b_columns)
        _, ia, ib = np.intersect1d(ca, cb, assume_unique=True, return_indices=True)
        if not len(ia) or not r.a_norm or not r.b_norm:
            continue
        wa, wb = np.asarray(r.a_weights, dtype=np.float64), np.asarray(r.b_weights, dtype=np.float64)
        if float(np.dot(wa[ia], wb[ib])) / (r.a_norm * r.b_norm) >= threshold - _TOLERANCE:
            yield r.a, r.b


def _block_edges(items: Iterable, settings) -> Iterator[tuple[str, str]]:
    """The dated links of one time bucket: its documents with each other and with those of
    the bucket before (flag 1); so every pair at most a bucket apart is compared once."""
    from ..link.stories import CANDIDATE_PAIRS, _Against, _Rows

    docs = sorted(items, key=lambda x: (x[0], x[1].id))
    if not any(flag == 0 for flag, _ in docs):
        return
    rows = _Rows()
    for _flag, r in docs:
        rows.append(np.asarray(r.columns, dtype=np.int32), np.asarray(r.weights, dtype=np.float32))
    home = np.asarray([i for i, (flag, _) in enumerate(docs) if flag == 0], dtype=np.int64)
    every = np.arange(len(docs), dtype=np.int64)
    ids = [r.id for _, r in docs]
    days = np.asarray([r.day for _, r in docs], dtype=np.int64)
    norms = np.asarray([r.norm for _, r in docs], dtype=np.float64)
    prev = np.asarray([flag == 1 for flag, _ in docs])
    # Only connectivity matters here (each component's own StoryIndex finds its edges again),
    # so a block sends a spanning forest of its links, not every link: continuous coverage
    # links most pairs of a window (3.6 million links at 10,000 documents), a forest at most
    # one per document.
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    against = _Against(rows, every)
    step = max(1, min(1000, CANDIDATE_PAIRS // max(1, len(every))))
    for start in range(0, len(home), step):
        q = home[start:start + step]
        dots = against.dots(q)
        qi, oi, d = q[dots.row], every[dots.col], dots.data
        keep = (prev[oi] | (oi < qi)) & (np.abs(days[qi] - days[oi]) <= settings.window_days)
        qi, oi, d = qi[keep], oi[keep], d[keep]
        with np.errstate(divide="ignore", invalid="ignore"):
            cos = d / (norms[qi] * norms[oi])
        linked = cos >= settings.edge_min_dated - _TOLERANCE
        for x, y in zip(qi[linked].tolist(), oi[linked].tolist()):
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[rx] = ry
                yield min(ids[x], ids[y]), max(ids[x], ids[y])


# -- step 4: connected components ------------------------------------------------------------------

def _components(edges: "DataFrame") -> tuple["DataFrame", int]:
    """(id, component) for every document with a link, the component named by its smallest
    id; and the number of rounds it took. Large-star and small-star alternate until the
    graph is a set of stars around each component's smallest node."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    e = edges.select(F.least("a", "b").alias("u"), F.greatest("a", "b").alias("v")).where(F.col("u") != F.col("v"))
    rounds = 0
    e = e.localCheckpoint()
    while True:
        rounds += 1
        # large-star: every neighbour larger than a node joins the smallest of its neighbourhood
        both = e.union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
        low = both.groupBy("u").agg(F.min("v").alias("m")).withColumn("m", F.least("m", "u"))
        large = (both.join(low, "u").where(F.col("v") > F.col("u"))
                 .select(F.col("v").alias("u"), F.col("m").alias("v")).distinct())
        # small-star: a node and its smaller neighbours join the smallest of them
        small_in = large.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).where(F.col("u") != F.col("v"))
        low = small_in.groupBy("u").agg(F.min("v").alias("m"))
        small = (small_in.join(low, "u").where(F.col("v") != F.col("m")).select(F.col("v").alias("u"), "m")
                 .union(low.select("u", "m"))
                 .select(F.greatest("u", "m").alias("v"), F.least("u", "m").alias("u"))
                 .select("u", "v").distinct())
        small = small.persist(StorageLevel.MEMORY_AND_DISK).localCheckpoint()
        changed = small.exceptAll(e).limit(1).count() + e.exceptAll(small).limit(1).count()
        e = small
        if not changed:
            break
    labels = (e.select(F.col("v").alias("id"), F.col("u").alias("component"))
              .union(e.select(F.col("u").alias("id"), F.col("u").alias("component")))
              .groupBy("id").agg(F.min("component").alias("component")))
    return labels, rounds


# -- step 5: stories of one component --------------------------------------------------------------

def _stories(rows: Iterable) -> Iterator[tuple[str, str, str | None]]:
    from ..link.dedup import originals
    from ..link.stories import StoryIndex

    docs = sorted((_story_doc(r) for r in rows), key=lambda d: d.doc_id)
    index = StoryIndex()
    index.add(docs)
    first = originals(index.duplicate_pairs(), {d.doc_id: d.published for d in docs})
    for d in docs:
        yield d.doc_id, index.story_of(d.doc_id), first.get(d.doc_id)


def _sql(path: Path | str) -> str:
    return str(path).replace("'", "''")
