"""The web console: server-rendered pages (Jinja2 + htmx) on the same app, accounts and
service layer as the JSON API.

Modules: ``install`` (mounts it), ``i18n`` (languages, catalogues, locale formats),
``render`` (templates), ``session`` (sign-in cookie, CSRF), ``signin`` (the sign-in pages),
and one module per page group.
"""

__all__ = ["calendar", "catalogue", "colours", "i18n", "install", "periods", "render", "session",
           "signin"]
