"""Performance measurements: each target of quality.md as a ratio against a floor measured in the same run."""
