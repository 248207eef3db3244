"""Passes over stored data that reuse the pipeline's stages: retag, reextract, replay,
restory, and reading the quarantine."""
