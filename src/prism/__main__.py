"""Allow `python -m prism`."""

from prism.cli import main

main()
