"""The decision log on disk: settings, finding the log, records, atomic writes and
the one path-containment check."""
