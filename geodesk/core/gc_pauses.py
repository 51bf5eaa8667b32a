"""Short garbage-collector pauses in the window process: what is alive after start-up and after
each model load is frozen out of the collector's full passes (:func:`gc.freeze`).

A full (generation-2) pass walks every tracked object and runs in whatever the GUI thread was
doing. With torch and a model loaded a window holds ~350 000 of them (82 000 before): one pass
took 0.5 s on the shared 2-core machine in the middle of a section flip, the ~200 ms outliers
of ``bench_section_flip`` with the fault overlay on. Frozen objects are never collected, so
only the window process turns this on (:func:`keep_full_collections_short`): modules, the
window and the loaded models live as long as it does. Libraries and the CLI are left alone.
"""

from __future__ import annotations

import gc

_ENABLED = False


def keep_full_collections_short() -> None:
    """Turn freezing on for this process and freeze what is alive now (start-up: modules,
    Qt wrappers, the window); models loaded later are frozen by :func:`after_long_lived_load`."""
    global _ENABLED
    _ENABLED = True
    gc.freeze()


def after_long_lived_load() -> None:
    """Long-lived objects were just made (torch imported, a model loaded): freeze them too,
    if this process asked for it."""
    if _ENABLED:
        gc.freeze()


def enabled() -> bool:
    return _ENABLED


def disable() -> None:
    """Stop freezing and give the frozen objects back to the collector (tests)."""
    global _ENABLED
    _ENABLED = False
    gc.unfreeze()
