"""Operator commands for the ``flask`` CLI."""

from flask import Flask

from .seed import seed_command


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(seed_command)
