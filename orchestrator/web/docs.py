"""Interactive API docs at ``/api/docs``: Swagger UI from the vendored ``swagger-ui-dist``
files (``static/swagger-ui``), never a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = "/api/static"
OPENAPI_URL = "/api/v1/openapi.json"

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL, title="Siaran API",
        swagger_js_url=f"{ASSETS}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/swagger-ui/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False})


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=STATIC), name="static")
