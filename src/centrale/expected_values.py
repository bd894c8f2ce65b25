"""What a value should have been, in French, by the kind of error Pydantic reports on it.

Typer (command line) and FastAPI (forms, API) both check their inputs with Pydantic, whose
messages are English; both front ends say instead what the value should be.
"""

from __future__ import annotations

#: Pydantic's error type -> what the value should be.
EXPECTED = {
    "int_parsing": "un nombre entier",
    "int_from_float": "un nombre entier",
    "int_type": "un nombre entier",
    "float_parsing": "un nombre",
    "float_type": "un nombre",
    "bool_parsing": "oui ou non (true, false, 1, 0)",
    "date_parsing": "une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "une date AAAA-MM-JJ",
    "path_type": "un chemin de fichier",
    "string_too_long": "un texte plus court",
}
