"""Programmes pages."""
