"""Torch network architectures (U-Net, DnCNN); no task knowledge."""
