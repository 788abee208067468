"""Pieces shared by every app's API: pagination, errors, idempotency, optimistic concurrency,
scoped related fields and the role permissions."""
