"""What a process start costs: every ``trainer`` command, web worker and CLI report pays it."""

import os
import subprocess
import sys


def test_starting_the_app_leaves_pandas_numpy_and_matplotlib_unloaded(tmp_path):
    """They cost about 0.4 s of every start; the reports import them when they run."""
    code = (
        "import sys; from trainer.app import create_app; create_app(); "
        "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))"
    )
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip().splitlines()[-1] == "[]"
