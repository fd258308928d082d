"""The append-only audit trail: every change and every security event."""
