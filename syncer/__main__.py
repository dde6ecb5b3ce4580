"""`python -m syncer`: the same entry point as the `syncer` console script."""

from __future__ import annotations

from syncer.cli import main

if __name__ == "__main__":
    main()
