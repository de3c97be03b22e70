"""The web front door: one module per area of the app."""
