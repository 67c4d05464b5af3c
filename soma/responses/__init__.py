"""Answers to the catalog's questions: the question-by-question workspace and the services that save answers."""
