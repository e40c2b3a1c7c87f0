"""Evaluations run by kelas eval: retrieval quality on shared data sets."""
