"""`python -m adrkit` runs the command line."""
from adrkit.cli import main

raise SystemExit(main())
