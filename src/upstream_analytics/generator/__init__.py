"""The synthetic force: a realistic POLE extract with its ground truth, for tests, demos and benchmarks."""

from upstream_analytics.generator.core import ACE_TYPES, Extract, generate, write

__all__ = ["ACE_TYPES", "Extract", "generate", "write"]
