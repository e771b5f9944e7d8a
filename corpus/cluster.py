"""``hdnd process --scheduler``: the articles analysed by the workers of a Dask cluster.

The process that runs the command stays the corpus's only writer; a worker computes
:func:`corpus.process.analyse_one`, a pure function of one article's text to its records,
so a worker killed mid-batch costs a retry (the scheduler gives its tasks to another) and
the corpus ends as a local run leaves it. The pipeline is loaded once per worker (a worker
plugin), with the classifier this process would use; a worker running another pipeline
version is refused, since its records would be stored under this one's: there at the start,
the command ends with one sentence; joining mid-run, the worker is stopped. On any error or
Ctrl-C the client is closed, and the scheduler drops every task of the run with it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import dask
from dask.utils import parse_timedelta
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin
from distributed.client import FutureCancelledError

from corpus.process import BATCH, analyse_one

# How a scheduler that went away shows, depending on when: the futures cancelled, or the
# connection closed (CommClosedError is an OSError) or timed out under a submit or a result.
LOST = (FutureCancelledError, OSError, TimeoutError)

LOCAL = "local:"
TASK_RETRIES = 2  # a task that raised (analyse_one catches what an article can cause: this is the worker's own failure)


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached or has no usable workers; the message is one sentence."""


@dataclass
class Cluster:
    """A connected client and how the user named the cluster (recorded with the run)."""

    client: Client
    name: str

    def batch_size(self) -> int:
        """Articles read and sent per batch: enough to keep every worker thread busy twice
        over while the writer stores the batch before, never the whole corpus."""
        threads = sum(w["nthreads"] for w in self.client.scheduler_info(n_workers=-1)["workers"].values())
        return max(BATCH, 2 * threads)

    def analyse(self, jobs: list[tuple]) -> Iterator[tuple[int, dict | None, str | None]]:
        """Submit ``jobs`` now; yield their results in the order given, releasing each
        from the cluster's memory once taken. An article whose analysis killed workers
        again and again is reported as failed, like an article that raised."""
        try:
            futures = self.client.map(analyse_one, jobs, pure=True, retries=TASK_RETRIES)
        except LOST as err:
            raise self._lost() from err
        return self._results(jobs, futures)

    def _lost(self) -> ClusterUnavailable:
        return ClusterUnavailable(f"the Dask scheduler at {self.name} was lost mid-run; the articles stored so "
                                  "far are kept, and hdnd process run again goes on from there")

    def _results(self, jobs, futures) -> Iterator[tuple[int, dict | None, str | None]]:
        for job, future in zip(jobs, futures):
            try:
                yield future.result()
            except KilledWorker:
                yield job[0], None, "the Dask workers analysing it died more often than allowed-failures allows"
            except LOST as err:  # the scheduler is gone: the articles left stay pending
                raise self._lost() from err
            finally:
                future.release()


class Pipeline(WorkerPlugin):
    """Loads the models once in each worker, before its first article, with the client's
    classifier choice; refuses a worker whose pipeline version differs from the client's."""

    name = "hdnd-pipeline"

    def __init__(self, version: str, model: str | None) -> None:
        self.version, self.model = version, model

    def setup(self, worker) -> None:
        from pipeline import PIPELINE_VERSION, warm
        from pipeline.document import MODEL_ENV

        if PIPELINE_VERSION != self.version:
            refusal = (f"the worker at {worker.address} runs pipeline version {PIPELINE_VERSION}, "
                       f"not {self.version}; install the same hdnd on every worker")
            # A worker joining after the plugin was registered only logs this error and takes
            # tasks all the same, so it is stopped (before it reads the scheduler's messages).
            worker.loop.add_callback(worker.close, reason=f"hdnd: {refusal}")
            raise RuntimeError(refusal)
        if self.model:
            os.environ[MODEL_ENV] = self.model
        else:
            os.environ.pop(MODEL_ENV, None)
        warm()


@contextmanager
def connected(scheduler: str) -> Iterator[Cluster]:
    """The cluster named by ``scheduler``: a scheduler's address (tcp://HOST:8786), or
    local:N for a cluster of N single-threaded worker processes started here (analysis
    holds the GIL, so one thread per process). Closed, the local one stopped, on leaving.
    Raises ClusterUnavailable before anything is written when it cannot be used."""
    with _client_quiet(), ExitStack() as stack:
        local = None
        if scheduler.startswith(LOCAL):
            local = stack.enter_context(LocalCluster(n_workers=_local_workers(scheduler), threads_per_worker=1,
                                                     processes=True, dashboard_address=None, silence_logs=logging.ERROR))
        client = stack.enter_context(_client(local or scheduler))
        _prepare(client, scheduler)
        yield Cluster(client, scheduler)


@contextmanager
def _client_quiet() -> Iterator[None]:
    """Dask logs on this side when it loses the scheduler (a traceback from its client,
    "Batched Comm Closed" from its connection, …); hdnd says so in one sentence. Every
    logger of ``distributed`` is quieted while the command runs."""
    import distributed  # noqa: F401  (its loggers exist once it is imported)

    chatter = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name == "distributed" or name.startswith("distributed.")]
    levels = [logger.level for logger in chatter]
    for logger in chatter:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(chatter, levels):
            logger.setLevel(level)


def _local_workers(scheduler: str) -> int:
    count = scheduler[len(LOCAL):]
    if not count.isdecimal() or not 1 <= int(count) <= 64:
        raise ClusterUnavailable(f"{scheduler} is not local:N with N from 1 to 64 worker processes")
    return int(count)


def _client(address) -> Client:
    """A client of ``address``, waiting as long as Dask's connect timeout
    (distributed.comm.timeouts.connect) for the scheduler to answer."""
    try:
        return Client(address, set_as_default=False)
    except (OSError, ValueError, TypeError) as err:
        raise ClusterUnavailable(f"no Dask scheduler answers at {address} ({err}); start one with dask scheduler "
                                 "and its workers with dask worker ADDRESS") from err


def _prepare(client: Client, scheduler: str) -> None:
    """Wait for a first worker, then load the pipeline on every worker, now and joining later."""
    from pipeline import PIPELINE_VERSION
    from pipeline.document import MODEL_ENV

    try:
        client.wait_for_workers(1, timeout=parse_timedelta(dask.config.get("distributed.comm.timeouts.connect")))
    except TimeoutError as err:
        raise ClusterUnavailable(f"the Dask scheduler at {scheduler} has no workers; start them with "
                                 f"dask worker {client.scheduler.address}") from err
    try:
        client.register_plugin(Pipeline(PIPELINE_VERSION, os.environ.get(MODEL_ENV)))
    except RuntimeError as err:
        raise ClusterUnavailable(str(err)) from err
