"""narratives package."""
