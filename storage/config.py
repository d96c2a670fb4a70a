"""The ``storage`` section of the configuration (DESIGN §3.2)."""

from __future__ import annotations

from pydantic import Field

from common.config import Section


class StorageConfig(Section):
    url: str = "sqlite:///./data/plume.db"
    retention_days: int = Field(default=365, ge=1)
