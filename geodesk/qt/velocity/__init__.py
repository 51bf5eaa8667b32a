"""Velocity analysis in the workstation: semblance panel, live NMO, velocity field."""

from geodesk.qt.velocity.install import VelocityController, install

__all__ = ["VelocityController", "install"]
