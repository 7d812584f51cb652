"""Logging in and out, sessions, passwords, API tokens and access checks."""
