"""Tasks: submitting songs and lyrics, fetching them in the contract's dialects."""
