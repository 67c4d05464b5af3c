"""Pulling field submissions straight from an ODK Central server (pyodk), configured per assessment."""
