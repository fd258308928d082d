"""Staff, roles, teams, the organisation directory and opening hours."""
