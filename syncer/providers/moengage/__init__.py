"""MoEngage V1 campaigns API (`/core-services/v1`): models, rules, normalisation, planner,
client."""
