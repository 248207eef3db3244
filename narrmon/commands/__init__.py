"""The `narrmon` commands, one module per group (registered on the group in narrmon.cli)."""
