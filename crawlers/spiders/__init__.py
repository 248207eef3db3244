"""Spiders: one generic spider driven by a source entry (sources are data)."""
