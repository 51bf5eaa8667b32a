"""The one table of model tasks: default model, training metric, generator, CLI methods.

Every list that used to be kept per module (the registry's tasks, the training's primary
metric, the datasets' generator names, the ``--method`` choices of the commands) reads this
table, so a new task is added in one place. No torch import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskSpec:
    """One task: its default registered model, the validation metric that picks the best
    checkpoint (and whether larger is better), the training generator recorded in provenance,
    and the methods the command offers (classical ones beside the model's)."""

    name: str
    default_model: str
    metric: str
    larger_is_better: bool
    generator: str
    methods: tuple[str, ...]
    default_method: str
    summary: str


TASK_TABLE: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec("faults", "fault-unet", "f1", True,
                 "geodesk.synth.fault_sections.fault_training_sections (generate_post3d, "
                 "wide fault family, disturbed, mirrored)",
                 ("unet",), "unet", "fault probability on inline/crossline sections"),
        TaskSpec("firstbreaks", "firstbreak-unet", "within_2_samples", True,
                 "geodesk.synth.generate_shots (1 in 4) + "
                 "geodesk.synth.shot_family.generate_wide_shot (3 in 4)",
                 ("mer_trend", "unet", "stalta"), "mer_trend",
                 "first-break times on shot gathers"),
        TaskSpec("velocities", "velocity-unet", "mean_rel_error", False,
                 "geodesk.synth.generate_cmps + geodesk.core.processing.semblance",
                 ("semblance", "unet"), "semblance", "stacking velocities on CMP gathers"),
        TaskSpec("denoise", "denoise-dncnn", "snr_gain_db", True,
                 "geodesk.synth.generate_post3d (noise-free, peaks 8-60 Hz) + white, low-band "
                 "or band-limited noise (in 3 draws of 10 in bursts, in 3 of 10 with spikes of "
                 "5-30 RMS) at -5 to 40 dB, 7 neighbouring inlines",
                 ("dncnn", "ddtf"), "dncnn", "random-noise attenuation of post-stack data"),
    )
}

TASKS: tuple[str, ...] = tuple(TASK_TABLE)


def task_spec(task: str) -> TaskSpec:
    """The table row of ``task``; a ValueError naming the tasks for an unknown one."""
    try:
        return TASK_TABLE[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}") from None
