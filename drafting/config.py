"""The ``llm`` section of the configuration (DESIGN §3.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.config import Section


class LLMConfig(Section):
    backend: Literal["anthropic", "openai", "offline"] = "anthropic"
    model: str = "claude-sonnet-4-5"
    base_url: str | None = None
    timeout_s: float = Field(default=60, gt=0)
    max_output_tokens: int = Field(default=1200, ge=1)
    max_retries: int = Field(default=2, ge=0, le=10)
    max_concurrency: int = Field(default=64, ge=1, le=1024)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=30, gt=0)
