"""Data-driven tight frames (DDTF): learning, denoising and trace interpolation (numpy only)."""
