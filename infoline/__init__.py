"""Infoline: a contact-center platform for public-service hotlines."""
