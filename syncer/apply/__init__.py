"""APPLY: a `Plan` -> calls sent through provider sessions, each journaled, and an `ApplyReport`
of what landed."""
