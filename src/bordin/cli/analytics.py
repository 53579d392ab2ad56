"""``bordin analytics network``: the practice-overview statistics across many practices.

Reads pseudonymised research exports (Parquet, the layout of docs/research-export.md) from a
folder, runs the analysis with Dask (a local cluster by default, or the scheduler at
``--scheduler``) and writes a Markdown report, and the figures as JSON with ``--json``.
See docs/network-analytics.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bordin.domain.errors import InvalidInput

analytics_app = typer.Typer(help="Analyses across practices.", no_args_is_help=True)


@analytics_app.command("network")
def network(
    source: Annotated[
        Path, typer.Argument(help="Folder of research exports (Parquet), one or more per practice.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Markdown report to write.")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure as JSON here.")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes of the local cluster (without --scheduler).")
    ] = 2,
    local: Annotated[
        bool,
        typer.Option("--pandas", help="No Dask: run everything with pandas in this process."),
    ] = False,
    curve_episodes: Annotated[
        int, typer.Option(help="Episodes per measure sampled for the recovery curves.")
    ] = 1000,
) -> None:
    """Outcome rates, the alliance–outcome link, therapist effects and recovery curves across
    every practice's export, computed with Dask; writes a report in plain words."""
    from bordin.analytics.network import analyse_network, parquet_files
    from bordin.analytics.network_report import as_json, markdown

    if not source.exists() or not parquet_files(source):
        raise InvalidInput(f"no Parquet files at {source}", field="SOURCE")
    if workers < 1:
        raise InvalidInput("must be at least 1", field="--workers")
    if local:
        result = analyse_network(source, max_curve_episodes=curve_episodes)
    else:
        from distributed import Client, LocalCluster

        if scheduler:
            with Client(scheduler) as client:  # type: ignore[no-untyped-call]
                result = analyse_network(source, client=client, max_curve_episodes=curve_episodes)
        else:
            with (
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers,
                    threads_per_worker=1,
                    dashboard_address=None,
                    silence_logs=40,
                ) as cluster,
                Client(cluster) as client,  # type: ignore[no-untyped-call]
            ):
                result = analyse_network(source, client=client, max_curve_episodes=curve_episodes)
    out.write_text(markdown(result), encoding="utf-8")
    if json_out is not None:
        json_out.write_text(json.dumps(as_json(result), indent=2, default=str), encoding="utf-8")
    s = result.summary
    typer.echo(
        f"{s.episodes:,} episodes from {result.practices} practices; recovery "
        f"{s.recovery.as_text()}; wrote {out}."
    )


def register(app: typer.Typer) -> None:
    """Add the ``analytics`` group to ``app``."""
    app.add_typer(analytics_app, name="analytics")
