"""Commands of the ``chorus`` CLI that make and inspect songs.

Each module has ``add_arguments(parser)`` and ``run(args) -> int``; ``chorus.cli`` lists
them. Failures raise :class:`~chorus.exceptions.ChorusError`, which the CLI prints on one
line with a non-zero exit.
"""
