"""Knowledge base: answer scripts (J3, J4), articles and local-office pages (K4), peaks (K5)."""
