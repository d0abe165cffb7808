"""API keys: creation, hashing, and the authentication dependency."""
