"""Registry of persons and employers, identity codes, caller authentication."""
