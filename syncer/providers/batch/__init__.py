"""The Batch (batch.com) CEP campaigns provider: models, normaliser, rules, planner, client."""
