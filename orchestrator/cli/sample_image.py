"""The demo's sample image: a small Merah Putih flag, as a JPEG (Instagram takes JPEG only)."""

from __future__ import annotations

import base64
from pathlib import Path

FLAG_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsj"
    "HBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo"
    "KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAoADwDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDzqiiivHP2oKKKKACiiigAooooA93/AOGff+pm/wDJD/7ZR/wz"
    "7/1M3/kh/wDbK93or0vq9PsfmH+sWY/8/Pwj/keEf8M+/wDUzf8Akh/9so/4Z9/6mb/yQ/8Atle70UfV6fYP9Ysx"
    "/wCfn4R/yPCP+Gff+pm/8kP/ALZR/wAM+/8AUzf+SH/2yvd6KPq9PsH+sWY/8/Pwj/keEf8ADPv/AFM3/kh/9so/"
    "4Z9/6mb/AMkP/tle70UfV6fYP9Ysx/5+fhH/ACCiiitjxAooooAKKKKACiiigD//2Q=="
)


def write_flag(path: Path) -> Path:
    """Write the flag JPEG to ``path``."""
    path.write_bytes(FLAG_JPEG)
    return path
