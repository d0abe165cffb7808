"""Chorus: a self-hostable music generation service speaking the Suno task API."""

__version__ = "0.1.0"
