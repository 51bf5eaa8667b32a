"""Projects: the NAME.geodesk folder, its atomic saves, autosave and schema migrations."""
