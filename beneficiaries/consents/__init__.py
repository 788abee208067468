"""The consent ledger of DESIGN.md section 8: models and services."""
