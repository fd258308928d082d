"""Outbound messages to citizens (e-mail, SMS) through sender adapters, each one recorded."""
