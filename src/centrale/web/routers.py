"""The list of feature routers the web app mounts. Add yours here."""

from __future__ import annotations

from fastapi import APIRouter


def feature_routers() -> list[APIRouter]:
    from centrale.web import review_archive, review_editor, subscriber_pages

    return [
        subscriber_pages.router,
        review_editor.sign_in_router,
        review_editor.router,
        review_archive.router,
    ]
