"""What makes a destructive or long-running migration safe: archive, lint, rehearsal, drift."""
