"""civiclab: an open platform for public-sector innovation."""

__version__ = "0.1.0"
