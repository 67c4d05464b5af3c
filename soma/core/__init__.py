"""Site-wide pages (home, health check), the base layout and SOMA's own management commands."""
