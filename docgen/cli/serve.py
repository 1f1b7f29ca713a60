"""``docgen serve``: the coordinators' web page over a folder of specs."""

from __future__ import annotations

import secrets
import socket
import threading
from pathlib import Path

import click

from ..errors import DocgenError, UsageError
from .options import iso_date

#: The only addresses docgen serve listens on: this computer's own.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def _listen(port: int) -> socket.socket:
    """Return a socket listening on 127.0.0.1:``port`` (0: a free port the system picks)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError as e:
        sock.close()
        if port and e.errno in (98, 48):  # EADDRINUSE (Linux, macOS)
            raise UsageError(f"--port {port}: another program listens on this port already; "
                             "choose another, or --port 0 for any free one") from None
        raise DocgenError(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}") from None
    sock.set_inheritable(True)
    return sock


@click.command("serve")
@click.argument("folder", required=False, default=".",
                type=click.Path(file_okay=False, dir_okay=True, exists=True))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Only 127.0.0.1 or localhost: docgen serve is for this computer alone.")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the page in the web browser once it is ready.")
@click.option("--out", "out", type=click.Path(file_okay=False),
              help="The folder builds are written to [default: FOLDER/out].")
@click.option("--today", "today", metavar="YYYY-MM-DD",
              help="The date the page reasons with (renewals due, a starter's school year) "
                   "[default: this computer's date].")
def serve(folder: str, port: int, host: str, open_browser: bool, out: str | None,
          today: str | None) -> int:
    """Open the coordinators' page over FOLDER: write a spec in a form, build, review and
    translate, without touching JSON.

    FOLDER holds the specs (.json files) and is the store: each save writes the file whole
    and keeps the version it replaces in FOLDER/.docgen-history/. The page is for this
    computer only: it listens on 127.0.0.1 and its address carries a key, printed once here.
    Stop it with Ctrl-C.

    \b
    Example:
      docgen serve samples --open
      docgen serve district/2026-27 --port 0
    """
    from ..serve import INSTALL_HINT

    if host not in LOCAL_HOSTS:
        raise UsageError(f"--host {host}: docgen serve listens on this computer only "
                         "(127.0.0.1); it shows specs with family and student details, so it "
                         "is never served to other computers")
    day = iso_date("--today", today) if today is not None else None
    try:
        import uvicorn

        from ..serve.app import create_app
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] in ("starlette", "uvicorn", "multipart",
                                                "python_multipart"):
            raise DocgenError(INSTALL_HINT) from None
        raise
    sock = _listen(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    root = Path(folder)
    app = create_app(root, token=token, port=port, today=day,
                     out=Path(out) if out is not None else None)
    url = f"http://127.0.0.1:{port}/?token={token}"
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, date_header=False)
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            click.echo(f"docgen serve: the page for {root.resolve()} is at")
            click.echo(f"  {url}")
            click.echo("Open it in your web browser (only on this computer). "
                       "Press Ctrl-C here to stop.")
            if open_browser:
                import webbrowser
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    click.echo("docgen serve: stopped.")
    return 0
