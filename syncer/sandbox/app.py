"""Building the sandbox's ASGI application: admin routes plus the vendor gate, on one database.

Takes `SandboxOptions`; returns a `SandboxApp` holding the Starlette app, its store and its gate.
Opening the app creates the database (and seeds the demo workspace) when it does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import Mount

from syncer.sandbox.admin import Admin
from syncer.sandbox.gate import VendorGate, quiet_intended_drops
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.seed import seed_defaults
from syncer.sandbox.store import Store


@dataclass(frozen=True)
class SandboxApp:
    asgi: Starlette
    store: Store
    gate: VendorGate

    def request_stop(self) -> None:
        """Cut injected latency and delays short so the server can shut down promptly."""
        self.gate.stopping.set()

    def close(self) -> None:
        self.request_stop()
        self.store.close()


def build_app(options: SandboxOptions) -> SandboxApp:
    store = Store(options.db_path)
    if store.is_new and options.seed:
        seed_defaults(store)
    gate = VendorGate(store, options)
    quiet_intended_drops()
    routes = [
        Mount("/_sandbox", routes=Admin(store, options).routes()),
        # Everything else is a vendor route (or a vendor's 404), faults and logging included.
        Mount("", app=gate),
    ]
    return SandboxApp(asgi=Starlette(routes=routes), store=store, gate=gate)
