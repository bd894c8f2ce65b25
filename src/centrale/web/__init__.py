"""The web app (`centrale serve`): FastAPI, server-rendered French pages, JSON API."""
