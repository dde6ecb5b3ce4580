"""MODEL (pure values every step shares): campaign definitions, the plan, state values, the
apply report, the vendor contract, digests and packed bodies.

Takes nothing but `syncer.errors`; every other package builds on these values.
"""
