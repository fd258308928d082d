"""Telephony: adapters that move calls and the runner around the routing engine."""
