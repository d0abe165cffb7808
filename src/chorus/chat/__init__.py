"""OpenAI-compatible chat format: songs from ``/v1/chat/completions``."""
