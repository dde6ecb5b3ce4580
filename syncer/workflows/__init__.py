"""WORKFLOWS: what the commands compose: plan, the whole apply flow, saved plans and the
connections to targets (starting the embedded sandbox).

Takes settings, definitions and sessions; returns plans and reports. Never prints.
"""
