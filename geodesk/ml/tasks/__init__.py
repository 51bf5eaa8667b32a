"""One module per task: faults, first breaks, velocities, denoising (all import torch)."""
