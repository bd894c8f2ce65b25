"""The two consoles every command group prints to: results on stdout, errors on stderr.

One pair for the whole command line, so that width, colour and capture behave the same in
every sub-command (Rich fixes a console's width from `COLUMNS` when it is created).
"""

from __future__ import annotations

from rich.console import Console

console = Console()
err_console = Console(stderr=True)
