"""Training and inference data: synthetic examples, normalisation, resampling, tiling."""
