"""File formats, text in and text out: YAML, decision notebooks, markdown records,
the data file, and the cell-tag policy. No file system access."""
