"""CONFIG: `syncer.toml` -> typed `Settings`; credentials from the environment; reading and
writing a person's files safely (regular files only, owner-only permissions).

Takes a path and the environment; returns settings values. No network.
"""
