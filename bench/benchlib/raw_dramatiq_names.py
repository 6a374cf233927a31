"""Queue and actor names of the raw baseline, importable without creating its broker."""

QUEUE = "noop"
ACTOR = "noop"
