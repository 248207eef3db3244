"""narrmon package."""
