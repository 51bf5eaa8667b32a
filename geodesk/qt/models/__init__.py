"""Model features in the window: auto-pick dialogs, fault overlay, denoise view, device choice."""
