"""The version of crosswalk (one place; the package and its files read it here)."""

__version__ = "0.1.0"
