"""STATE: the state store and its backends (local directory, S3-compatible bucket) and the
apply journal.

Takes and returns `TargetState` values (`syncer.model.state`); backends only move bytes.
"""
