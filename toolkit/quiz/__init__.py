"""Quizzes with verified answer keys: generation, checks, offline fallback, editing and exports."""

from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import Quiz, QuizItem, QuizRequest

__all__ = ["Quiz", "QuizItem", "QuizRequest", "generate_quiz"]
