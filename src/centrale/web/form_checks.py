"""What every posted form is checked for before a page reads it.

A NUL character is in no text a person types, PostgreSQL refuses it in a text column, and the
database error it raises would be a 500. A form carrying one is refused whole, naming the field.
"""

from __future__ import annotations

from fastapi import Request

from centrale.errors import NUL_SHOWN, InvalidInput

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def no_nul_in_form(request: Request) -> None:
    """A router dependency: refuse a posted form with a NUL in a field's name or value."""
    if request.method != "POST":
        return
    if not request.headers.get("content-type", "").startswith(_FORMS):
        return
    form = await request.form()  # parsed once: the page's own fields read this same form
    for key, value in form.multi_items():
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise InvalidInput(
                f"le champ « {key} » du formulaire contient un caractère nul ({NUL_SHOWN}), "
                "qu'aucun texte ne contient : retirez-le et envoyez le formulaire à nouveau"
            )
