"""What GitHub shows of a page: one positioned parse, then check, preview and annotate."""
