"""YAML text: read with positions, outline where each node sits, write as a person would,
and edit in place keeping every other byte."""
