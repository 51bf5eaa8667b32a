"""GeoDesk: a desktop seismic interpretation workstation."""

__version__ = "0.1.0"


def open(path, **overrides):
    """Scan a SEG-Y or SU file and return a survey of the right kind (see geodesk.core.segy.reader)."""
    from geodesk.core.segy.reader import open_survey

    return open_survey(path, **overrides)
