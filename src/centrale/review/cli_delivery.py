"""`centrale review subscribers|send`: subscribers and delivery commands."""

from __future__ import annotations

import typer


def register_delivery_commands(review_app: typer.Typer) -> None:
    """Attach the subscribers and send commands to `centrale review`."""
