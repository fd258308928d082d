"""Benchmarks: they measure and compare with peers; they assert nothing."""
