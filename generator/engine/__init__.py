"""The incremental engine: units, the build state, the caches, worker processes, writing."""
