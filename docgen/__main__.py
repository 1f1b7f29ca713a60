"""Allow ``python -m docgen``."""

from .cli import main

main()
