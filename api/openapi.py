"""The contract: `openapi.yaml` as generated from the app (one command writes it)."""

from pathlib import Path
from typing import Any

import yaml

from api.main import create_app

CONTRACT = Path(__file__).resolve().parent.parent / "openapi.yaml"


def contract() -> dict[str, Any]:
    return create_app().openapi()


def render(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
