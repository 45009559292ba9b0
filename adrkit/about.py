"""What adrkit says about itself: the name it is published under and its version (one
place; the package metadata, `adrkit --version` and the published site read them here).

The distribution is published as `adrkit-notebooks` (the package index refuses `adrkit`
as too similar to an existing project); the import package and the command stay
`adrkit`. Decision 0016 records why.
"""

DISTRIBUTION = "adrkit-notebooks"
__version__ = "0.1.0"

__all__ = ["DISTRIBUTION", "__version__", "version_line"]


def version_line() -> str:
    """What `adrkit --version` prints: the command, its version and where it comes from."""
    return f"adrkit {__version__} (the {DISTRIBUTION} package)"
