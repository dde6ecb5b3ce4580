"""One module per command. Each takes typed arguments and an `Output`, returns an exit code."""
