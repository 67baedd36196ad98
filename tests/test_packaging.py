"""A built wheel works like the checkout: templates, migrations, kits and reports are inside it,
and the ``trainer`` commands work from any folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")

pytestmark = pytest.mark.slow


@pytest.mark.skipif(UV is None, reason="uv is installed by `make install`")
def test_wheel_runs_from_another_folder(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run([UV, "build", "--wheel", "-q", "-o", str(wheel_dir), str(ROOT)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    wheel = next(wheel_dir.glob("*.whl"))
    subprocess.run(
        [UV, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)], check=True
    )
    workdir = tmp_path / "ailleurs"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRAINER_INSTANCE_PATH")}
    env["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"

    def trainer(*args):
        return subprocess.run(
            [str(venv / "bin" / "trainer"), *args],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    upgrade = trainer("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert (workdir / "instance" / "trainer.db").exists()
    demo = trainer("demo")
    assert demo.returncode == 0, demo.stderr
    assert "coordination@demo.formations-vff.fr" in demo.stdout
    user = trainer(
        "create-user", "wheel@test.fr", "--role", "manager", "--password", "une phrase assez longue"
    )
    assert user.returncode == 0 and "Compte créé" in user.stdout
    routes = trainer("routes")
    assert "auth.login" in routes.stdout
