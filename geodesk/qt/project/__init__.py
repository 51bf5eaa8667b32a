"""Project, exchange (import/export) and cache menus and dialogs."""
