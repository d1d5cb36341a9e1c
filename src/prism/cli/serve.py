"""`prism serve`: the web app on the store."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine

if TYPE_CHECKING:
    import socket

APP_FACTORY = "prism.web.app:create_app"
# Seconds in-flight requests get to finish after Ctrl+C or SIGTERM.
GRACE_S = 30


def serve_cli(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, max=64, help="Worker processes (each with its own connections)."),
    ] = 1,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule", help="Also run the daily schedule (PRISM_SCHEDULE_TIMES) in the background."
        ),
    ] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Serve the published editions, archives and article pages.

    Access logs go to stdout, one JSON line a request. Ctrl+C or SIGTERM lets requests in flight and a
    running daily step finish first. The same app runs under uvicorn or gunicorn directly:
    `uvicorn --factory prism.web.app:create_app` (configured from PRISM_* variables).
    """
    import signal
    import threading

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from prism.web.app import create_app

    # Everything that can be wrong (settings, database, secret, port) fails here, before any banner.
    settings, engine = settings_and_engine(database, home)  # the daily runs' engine; requests have their own
    app = create_app(settings)  # refuses a placeholder secret outside development
    listening = listen(host, port)
    # Worker processes build the app from the environment: hand them the flags' values that way.
    os.environ["PRISM_HOME"] = str(settings.home)
    os.environ["PRISM_DATABASE_URL"] = settings.resolved_database_url
    config = uvicorn.Config(
        app if workers == 1 else APP_FACTORY,
        factory=workers > 1,
        workers=workers,
        log_config=log_config(),
        access_log=False,  # ours is structured (prism.access)
        timeout_graceful_shutdown=GRACE_S,
    )
    stop = threading.Event()
    scheduler = None
    if schedule:
        from prism.schedule import run_forever

        scheduler = threading.Thread(
            target=run_forever, args=(engine, settings), kwargs={"wait": stop.wait}, name="prism-schedule"
        )
        scheduler.start()
        console.print(f"daily runs at {', '.join(settings.schedule_times)} ({settings.timezone})")
    console.print(
        f"AI PRISM on [bold]http://{host}:{port}/[/] ({workers} worker{'s' if workers > 1 else ''}; "
        "Ctrl+C to stop)"
    )
    # uvicorn re-raises the signal that stopped it; SIGTERM's default would kill us before the cleanup.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if workers == 1:
            uvicorn.Server(config).run(sockets=[listening])
        else:
            app.state.engine.dispose()  # the workers open their own
            Multiprocess(config, sockets=[listening]).run()
    except KeyboardInterrupt:
        pass
    finally:
        listening.close()
        stop.set()
        if scheduler is not None and scheduler.is_alive():
            console.print("waiting for the daily run under way to finish…")
            scheduler.join()
        app.state.engine.dispose()
        engine.dispose()


def listen(host: str, port: int) -> socket.socket:
    """Return a socket listening on host:port, or fail with one line saying why."""
    import socket

    from prism.errors import UsageError

    try:
        return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus ours: access lines (JSON) on stdout, other messages with their time."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["prism"] = {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}
    config["formatters"]["prism.access"] = {"format": "%(message)s"}
    config["handlers"]["prism"] = {
        "class": "logging.StreamHandler",
        "formatter": "prism",
        "stream": "ext://sys.stderr",
    }
    config["handlers"]["prism.access"] = {
        "class": "logging.StreamHandler",
        "formatter": "prism.access",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["prism"] = {"handlers": ["prism"], "level": "INFO", "propagate": False}
    config["loggers"]["prism.access"] = {"handlers": ["prism.access"], "level": "INFO", "propagate": False}
    config["loggers"]["uvicorn"]["level"] = "WARNING"
    return config
