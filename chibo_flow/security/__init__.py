"""Defences that apply to every request: response headers and input bounds."""
