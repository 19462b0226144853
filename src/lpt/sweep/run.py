"""Run a sweep: chunks on Dask (or in-process), each written atomically to Parquet.

Layout of the output folder::

    DIR/sweep.json                           what this folder holds (sweep id, size, columns)
    DIR/chunk-00000-<id>.parquet             one finished chunk, rows = designs
    DIR/.chunk-00003-<id>.parquet.<rnd>.tmp  a chunk being written (never read)

A chunk's file appears under its final name only once complete: the table is written
to a temporary name in ``DIR``, flushed and fsync'ed, then renamed with
``os.replace`` (atomic on POSIX), and the folder entry is fsync'ed.  A crash at any
point leaves either no file or a temporary one, which the next run deletes.  A rerun
finds the chunks already written (name = index + the chunk id, a hash of the sweep's
content and the index) and computes only the others.

Workers compute; the client (this process) writes.  Results therefore never depend
on a shared file system, and a chunk whose worker dies is simply recomputed
elsewhere by Dask and written once.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lpt import overrides
from lpt.errors import LptError
from lpt.fileio import atomic_file
from lpt.sweep.chunk import ChunkSpec, evaluate_chunk
from lpt.sweep.manifest import read_manifest, write_manifest
from lpt.sweep.spec import Plan, Sweep, expand, load_sweep



@dataclass
class RunSummary:
    """What a run did (``lpt sweep --json`` prints it)."""

    sweep_file: str
    out_dir: str
    sweep_id: str
    n_designs: int
    n_chunks: int
    computed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    designs_computed: int = 0
    wall_s: float = 0.0
    compute_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "sweep": self.sweep_file, "out": self.out_dir, "sweep_id": self.sweep_id,
            "n_designs": self.n_designs, "n_chunks": self.n_chunks,
            "computed_chunks": len(self.computed), "skipped_chunks": len(self.skipped),
            "failed_chunks": len(self.failed), "designs_computed": self.designs_computed,
            "wall_s": self.wall_s,
            "designs_per_s": self.designs_computed / self.wall_s if self.wall_s else None,
            "files": sorted(p.name for p in Path(self.out_dir).glob("chunk-*.parquet")),
        }


# --- files ----------------------------------------------------------------------------

def write_parquet(table: pd.DataFrame, final: Path) -> None:
    """Write ``table`` as Parquet at ``final`` atomically (:func:`lpt.fileio.atomic_file`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with atomic_file(final, binary=True, what="chunk") as fh:
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), fh, compression="lz4")


def _finished(path: Path, rows: int) -> bool:
    """A chunk file that is complete: its footer reads and it holds the expected rows."""
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(path).num_rows == rows
    except Exception:  # a foreign or damaged file: compute the chunk again
        return False


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    fh = open(out / ".lock", "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LptError(f"{out}: another `lpt sweep` is writing into this folder; "
                           f"wait for it or choose another --out.") from None
        yield
    finally:
        fh.close()


def _prepare(plan: Plan, out: Path) -> None:
    """Check ``out`` holds this sweep (or nothing), remove stale temp files, write the
    manifest. Called with the folder's lock held, so a run in progress is never touched."""
    sw = plan.sweep
    old = read_manifest(out)
    if old is not None and old["sweep_id"] != sw.sweep_id:
        raise LptError(f"{out}: holds the results of another sweep ({old.get('sweep_file', '?')}, "
                       f"id {old['sweep_id']}); this sweep's id is {sw.sweep_id} — "
                       f"choose another --out or delete the folder.")
    for stale in out.glob(".chunk-*.tmp"):
        stale.unlink(missing_ok=True)
    import lpt

    write_manifest(out, {
        "sweep_id": sw.sweep_id, "sweep_file": str(sw.path), "name": sw.name,
        "base": str(sw.base_path), "method": sw.method, "n_designs": plan.n,
        "n_sampled": plan.n_sampled, "n_collapsed": plan.n_collapsed, "chunk_size": sw.chunk_size,
        "n_chunks": plan.n_chunks, "varied": sw.keys, "outputs": list(sw.outputs),
        "lpt_version": lpt.__version__})


# --- execution --------------------------------------------------------------------------

def _make_client(workers: int | None, scheduler: str | None):
    """A Dask client: to ``scheduler`` if given, else a local cluster of worker processes."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise LptError(f"--scheduler {scheduler}: no Dask scheduler answers there ({exc}).") from None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _chunk_error(plan: Plan, index: int, exc: BaseException) -> str:
    lo = index * plan.sweep.chunk_size
    hi = min(plan.n, lo + plan.sweep.chunk_size) - 1
    what = str(exc) if isinstance(exc, LptError) else f"{type(exc).__name__}: {exc}"
    return f"chunk {index} (designs {lo}–{hi}) failed: {what.rstrip('.')}"


def run_sweep(
    sweep: Sweep | Plan | str | Path,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = False,
    on_chunk_written: Callable[[int, Path], None] | None = None,
    max_in_flight: int | None = None,
) -> RunSummary:
    """Expand ``sweep`` and compute every chunk not yet in ``out_dir``.

    ``workers=0`` computes in this process (no Dask); otherwise chunks run on ``client``
    if given, else on ``Client(scheduler)``, else on a new local cluster of ``workers``
    single-threaded processes.  ``on_chunk_written(index, path)`` is called after each
    chunk is safely on disk.  Chunks that fail are reported together, after every other
    chunk has been written, as one :class:`LptError`.
    """
    t0 = time.perf_counter()
    plan = sweep if isinstance(sweep, Plan) else expand(sweep if isinstance(sweep, Sweep) else load_sweep(sweep))
    sw = plan.sweep
    out = Path(out_dir)
    summary = RunSummary(str(sw.path), str(out), sw.sweep_id, plan.n, plan.n_chunks)
    if out.exists() and not out.is_dir():
        raise LptError(f"{out}: is a file; --out needs a folder.")
    out.mkdir(parents=True, exist_ok=True)
    spec = ChunkSpec(base_raw=sw.base_raw, source=sw.source, outputs=sw.outputs, cycles=sw.cycles,
                     parameters=overrides.current())
    with _locked(out):  # first: a second run must not touch the folder of one in progress
        _prepare(plan, out)
        todo = []
        for i in range(plan.n_chunks):
            if _finished(out / sw.chunk_name(i), len(plan.chunk(i))):
                summary.skipped.append(i)
            else:
                todo.append(i)
        bar = _Progress(plan.n_chunks, len(summary.skipped), sw.name) if progress else None
        try:
            def done(i: int, result: tuple[pd.DataFrame, dict] | None, exc: BaseException | None) -> None:
                if exc is not None:
                    summary.failed[i] = _chunk_error(plan, i, exc)
                else:
                    table, stats = result
                    path = out / sw.chunk_name(i)
                    write_parquet(table, path)
                    summary.computed.append(i)
                    summary.designs_computed += stats["n"]
                    summary.compute_s += stats["seconds"]
                    if on_chunk_written is not None:
                        on_chunk_written(i, path)
                if bar:
                    bar.advance(failed=exc is not None)

            if todo and workers == 0 and client is None and scheduler is None:
                for i in todo:
                    try:
                        res = evaluate_chunk(spec, plan.chunk(i))
                    except Exception as exc:  # reported with the chunk's designs, others go on
                        done(i, None, exc)
                    else:
                        done(i, res, None)
            elif todo:
                _run_dask(plan, spec, todo, done, client, workers, scheduler, max_in_flight)
        finally:
            if bar:
                bar.stop()
    summary.wall_s = time.perf_counter() - t0
    if summary.failed:
        first = summary.failed[min(summary.failed)]
        more = len(summary.failed) - 1
        raise LptError(f"{sw.path}: {first}" + (f" (and {more} more chunk{'s' * (more > 1)})" if more else "")
                       + f"; the {len(summary.computed) + len(summary.skipped)} finished chunks are kept in "
                       f"{out}, rerun to compute the rest.")
    return summary


def _run_dask(plan: Plan, spec: ChunkSpec, todo: list[int], done, client, workers, scheduler,
              max_in_flight: int | None) -> None:
    from distributed import as_completed

    own = client is None
    cluster = None
    if own:
        client, cluster = _make_client(workers, scheduler)
    try:
        nthreads = max(1, sum(client.nthreads().values()))
        window = max_in_flight or max(4, 4 * nthreads)
        pending = iter(todo)
        index_of = {}

        def submit(i: int):
            fut = client.submit(evaluate_chunk, spec, plan.chunk(i), pure=False,
                                key=f"lpt-sweep-{plan.sweep.chunk_id(i)}")
            index_of[fut.key] = i
            return fut

        ac = as_completed([submit(i) for i in itertools.islice(pending, window)], with_results=False)
        for fut in ac:
            i = index_of.pop(fut.key)
            try:
                res = fut.result()
            except Exception as exc:
                done(i, None, exc)
            else:
                done(i, res, None)
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                ac.add(submit(nxt))
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


class _Progress:
    """A rich progress bar on stderr (stdout stays free for --json)."""

    def __init__(self, total: int, already: int, name: str):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from rich.markup import escape

        console = Console(stderr=True)
        # a bar only on a terminal: in a log file it would be one stray line per refresh
        self._p = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("chunks"), TimeRemainingColumn(), console=console,
                           transient=False, disable=not console.is_terminal)
        self._p.start()
        self._task = self._p.add_task(escape(name[:40]), total=total, completed=already)

    def advance(self, failed: bool = False) -> None:
        self._p.advance(self._task)

    def stop(self) -> None:
        self._p.stop()
