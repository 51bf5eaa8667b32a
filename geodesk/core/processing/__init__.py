"""Qt-free seismic processing on :class:`~geodesk.core.section.Section` objects and arrays."""

from geodesk.core.processing.agc import agc, agc_section

__all__ = ["agc", "agc_section"]
