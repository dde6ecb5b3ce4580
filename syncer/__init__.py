"""campaign-syncer: email and push campaigns as code for MoEngage and Batch."""

from __future__ import annotations

__version__ = "0.1.0"
