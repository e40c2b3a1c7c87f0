"""Quizzes with verified answer keys: generation, checks, offline fallback, editing and exports.

The package imports nothing heavy itself: ``from toolkit.quiz.generate import generate_quiz``
loads the generation pipeline, ``toolkit.quiz.models`` only the data.
"""
