"""PLAN (pure): definitions + remote snapshots + state -> a frozen, serialisable `Plan`
(`syncer.model.plan`): the diff, the lock rules, the builder, early plans, orphans and staleness.
"""
