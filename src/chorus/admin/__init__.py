"""Admin routes over tasks, the credit ledger and hook deliveries (the admin key only)."""
