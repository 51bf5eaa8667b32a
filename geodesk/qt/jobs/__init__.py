"""Background jobs in the window: the runner (threads, progress, cancel) and the jobs panel."""
