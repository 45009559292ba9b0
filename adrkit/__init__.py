"""adrkit: architecture decision records drafted as Jupyter notebooks.

The package import stays light: the command line, the core model and the storage
layer use only the standard library and PyYAML. Widgets, rendering and publishing
import their heavy libraries (ipywidgets, pandas, graphviz, nbconvert) when used.
"""
__version__ = "0.1.0"

__all__ = ["__version__"]
