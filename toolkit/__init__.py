"""AI Classroom Toolkit: classroom materials grounded in curriculum documents, offline first."""

__version__ = "0.1.0"
