"""Mapping a pure function over batches in worker processes, for bulk commands."""

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def parallel_map(
    function: Callable, workers: int
) -> Iterator[Callable[[list], Callable[[], list]]]:
    """`start(items)` begins mapping `function` over `items` and returns a function
    that waits for the results, in order.

    With two or more workers it forks a process pool: the workers inherit the loaded
    code and must never use the database (fork before starting any thread). With one,
    the work happens in this process when its results are asked for.
    """
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda items: lambda: [function(item) for item in items]
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:

        def start(items: list) -> Callable[[], list]:
            chunk = max(1, len(items) // (4 * workers))
            return pool.map_async(function, items, chunksize=chunk).get

        yield start
