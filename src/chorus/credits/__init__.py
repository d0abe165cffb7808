"""Credits: prices per action, the ledger of every balance change, reserve and refund."""
