"""Contacts (appeals), topics, statuses, history, attachments, callbacks, messages."""
