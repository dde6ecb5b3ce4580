"""The sandbox: a local emulator of the MoEngage V1 and Batch campaign APIs, persisted in SQLite.

Public API: `SandboxOptions` (options.py), `serve` and `EmbeddedSandbox` (server.py), `reset`
(seed.py), `SandboxAdmin` (admin_client.py), a typed client of the `/_sandbox` admin routes, and
`SandboxHandle` (handle.py), an embedded sandbox plus that client, as the test fixtures use it.
Request flow: `gate.py` (faults, log) -> `moengage.py` / `batch.py` (auth, limits, routing) ->
`moengage_api.py` / `batch_api.py` (operations) -> `store/` (SQLite).
"""
