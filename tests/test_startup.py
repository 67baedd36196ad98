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


def test_trainer_report_builds_an_app_without_pages_except_for_pdf(app, tmp_path):
    """The ``trainer`` group asks its app factory for an app without blueprints for a CSV report,
    with them for a PDF (its templates use the reports blueprint's filters)."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from trainer.cli import cli

    asked = []
    for fmt in ("csv", "pdf"):
        info = ScriptInfo()
        info.create_app = lambda info=info: asked.append(info.data.get("pages", True)) or app
        output = tmp_path / f"key-figures.{fmt}"
        result = CliRunner().invoke(
            cli, ["report", "key-figures", "--format", fmt, "-o", str(output)], obj=info
        )
        assert result.exit_code == 0, result.output
    assert asked == [False, True]


def test_trainer_report_in_a_process_of_its_own(app, tmp_path):
    env = {
        **os.environ,
        "TRAINER_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    trainer = os.path.join(os.path.dirname(sys.executable), "trainer")
    for fmt, start in (("csv", b"indicator"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        output = tmp_path / f"key-figures.{fmt}"
        done = subprocess.run(  # noqa: S603
            [trainer, "report", "key-figures", "--format", fmt, "-o", str(output)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert output.read_bytes().lstrip(b"\xef\xbb\xbf").startswith(start)
