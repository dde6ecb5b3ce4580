"""PLAN: definitions + remote snapshots + state -> a frozen, serialisable `Plan`."""
