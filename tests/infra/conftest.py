"""Infra tier: every stage of chalice.json packaged once per run (``infra/package.py``, as
``make package`` runs it), then checked as deployed artifacts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
if str(INFRA) not in sys.path:
    sys.path.insert(0, str(INFRA))

from cfn.stage import stage_environment, stage_names  # noqa: E402

STAGES = stage_names()


@dataclass(frozen=True)
class Packaged:
    """One stage's build output."""

    stage: str
    out: Path
    template: dict[str, Any]
    stdout: str

    @property
    def sam(self) -> Path:
        """The SAM template."""
        return self.out / "sam.json"

    @property
    def zip(self) -> Path:
        """The deployment package."""
        return self.out / "deployment.zip"


def deployed_settings(stage: str) -> Any:
    """The code's settings as the stage's functions read them (chalice.json's environment),
    without touching this process's own settings."""
    from chalicelib.settings import get_settings, reset_settings

    environment = {**stage_environment(stage), "NAGORIK_STAGE": stage}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        reset_settings()
        settings = get_settings()
    reset_settings()
    return settings


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Packaged]:
    """``packaged(stage)``: the stage's artifacts, built on first use."""
    built: dict[str, Packaged] = {}

    def build(stage: str) -> Packaged:
        if stage not in built:
            out = tmp_path_factory.mktemp(f"package-{stage}")
            env = {key: value for key, value in os.environ.items() if key != "NAGORIK_STAGE"}
            result = subprocess.run(
                [sys.executable, str(INFRA / "package.py"), "--stage", stage, "--out", str(out)],
                cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
            )
            assert result.returncode == 0, f"package --stage {stage} failed:\n{result.stderr}"
            template = json.loads((out / "sam.json").read_text(encoding="utf-8"))
            built[stage] = Packaged(stage, out, template, result.stdout)
        return built[stage]

    return build


@pytest.fixture(params=STAGES)
def stage(request: pytest.FixtureRequest, packaged: Callable[[str], Packaged]) -> Packaged:
    """Each stage's artifacts in turn."""
    return packaged(request.param)
