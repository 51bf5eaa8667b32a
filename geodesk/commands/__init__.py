"""The CLI's sub-commands, one module each (``register(subparsers)``); see :mod:`geodesk.cli`."""


class CommandError(Exception):
    """A user-facing failure of a command (bad arguments, unreadable file…): one-line message."""
