"""RENDER JSON: a `Plan` -> the brief's plan JSON (`format_version: 1`)."""

from __future__ import annotations

import json

from syncer.model.plan import Plan


def render_plan_json(plan: Plan) -> str:
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
