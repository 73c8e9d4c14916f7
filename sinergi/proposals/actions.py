"""The proposal stage machine (filled in by the next commit)."""
