"""LOAD: campaign files -> validated `CampaignDefinition`s (with the validation cache), and the
edits that write campaign files back (`pull`, `import`, pinned ids).

Takes the settings and the campaign directory; returns definitions or located problems.
"""
