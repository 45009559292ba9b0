"""The log's verbs over storage: new, status, supersede, link, renumber; lint; import
and export of markdown."""
