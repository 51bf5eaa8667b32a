"""Picks in and out of GeoDesk: CSV/XYZ and SEG-Y header files, one API for the CLI and the GUI
(:mod:`geodesk.core.exchange.api`; ``project_io`` adapts it to projects for the CLI)."""
