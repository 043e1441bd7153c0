"""Collecting responses: private links, drafts, submissions and imports."""
