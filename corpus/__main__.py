"""``python -m corpus`` runs the ``hdnd`` command line."""

from corpus.cli import main

main()
