"""One module per command; each exposes one function that returns an exit code."""
