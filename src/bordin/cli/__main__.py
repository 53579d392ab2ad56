"""``python -m bordin.cli`` runs the command line."""

from bordin.cli.app import main

main()
