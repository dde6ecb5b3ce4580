"""`syncer sandbox serve | reset`: run the local emulator of the vendor APIs."""

from __future__ import annotations

from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.output import Output


def serve(
    out: Output, host: str, port: int, db: Path, latency_ms: float, rate_limit_scale: float
) -> int:
    from syncer.sandbox.options import SandboxOptions
    from syncer.sandbox.server import serve as serve_forever

    out.info(f"Sandbox listening on http://{host}:{port} (data: {db}); Ctrl-C stops it.")
    out.info(f'Point a target at it with base_url = "http://{host}:{port}".')
    serve_forever(
        SandboxOptions(
            host=host,
            port=port,
            db_path=db,
            latency_ms=latency_ms,
            rate_limit_scale=rate_limit_scale,
        )
    )
    return exitcodes.OK


def reset(out: Output, db: Path) -> int:
    from syncer.sandbox.seed import reset as reseed

    reseed(db)
    out.info(f"Sandbox data reseeded with the demo workspace ({db}).")
    return exitcodes.OK
