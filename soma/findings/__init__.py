"""Responses to questions, findings, conclusions, recommendations and gap status."""
