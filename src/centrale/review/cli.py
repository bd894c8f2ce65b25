"""`centrale review`: the weekly review's commands."""

from __future__ import annotations

import typer

from centrale.review.cli_delivery import register_delivery_commands

review_app = typer.Typer(help="La revue hebdomadaire Flash-back.", no_args_is_help=True)
register_delivery_commands(review_app)
