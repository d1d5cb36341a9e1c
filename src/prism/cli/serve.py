"""`prism serve`: the web app on the store."""

from __future__ import annotations

from typing import Annotated

import typer

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine


def serve_cli(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule", help="Also run the daily schedule (PRISM_SCHEDULE_TIMES) in the background."
        ),
    ] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Serve the published editions, archives and article pages."""
    import uvicorn

    from prism.web.app import create_app

    settings, engine = settings_and_engine(database, home)
    if schedule:
        import logging
        import threading

        from prism.schedule import run_forever

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        threading.Thread(
            target=run_forever, args=(engine, settings), name="prism-schedule", daemon=True
        ).start()
        console.print(f"daily runs at {', '.join(settings.schedule_times)} ({settings.timezone})")
    console.print(f"AI PRISM on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    try:
        uvicorn.run(create_app(settings, engine), host=host, port=port, log_level="warning")
    finally:
        engine.dispose()
