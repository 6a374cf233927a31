"""The baseline of ``bench/api.py``: a bare FastAPI app whose one endpoint returns a constant
JSON document, served by uvicorn exactly as ``siaran web`` serves Siaran's app."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()
DOCUMENT = {"id": 1, "title": "Jadwal layanan publik", "status": "published",
            "channels": ["x", "facebook", "instagram", "telegram", "wordpress"]}


@app.get("/constant")
def constant() -> dict:
    return DOCUMENT
