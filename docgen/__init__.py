"""docgen: community-school partnership specs to signed documents."""

__version__ = "0.1.0"
