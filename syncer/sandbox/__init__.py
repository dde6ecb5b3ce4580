"""The sandbox: a local emulator of the MoEngage V1 and Batch campaign APIs, persisted in SQLite.

Public API: `SandboxOptions` (options.py), `serve` and `EmbeddedSandbox` (server.py), `reset`
(seed.py), and `SandboxAdmin` (admin_client.py), a typed client of the `/_sandbox` admin routes.
"""
