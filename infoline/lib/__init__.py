"""Shared helpers (environment, audit context, i18n); defines no models, imports no app."""
