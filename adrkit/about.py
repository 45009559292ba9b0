"""What adrkit says about itself: its version (one place; the package metadata and
`adrkit --version` read it from here)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
