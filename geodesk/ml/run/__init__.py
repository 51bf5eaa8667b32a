"""Running models: apply over sections, survey-wide blocks, clusters, devices, progress, results."""
