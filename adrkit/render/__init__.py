"""Static renders of adrkit's structured data: diagrams drawn to SVG, tables to HTML.

Each submodule owns one kind of render and imports its own libraries; this package
imports none of them, so `import adrkit.render` stays light.
"""
