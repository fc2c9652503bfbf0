"""updater: keeps a GitHub profile README current from CV data and live numbers."""

__version__ = "0.1.0"
