"""The release workflow and the pre-commit hooks call ankigen the way it really works."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO, RunCli

NOTE = "# Storage\n\n## Amazon S3\n\nS3 stores objects in **buckets**.\n"


def workflow_steps() -> list[dict[str, Any]]:
    data = yaml.safe_load((REPO / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8"))
    return [step for job in data["jobs"].values() for step in job["steps"]]


def ankigen_calls(script: str) -> list[tuple[str, list[str]]]:
    """(command, its --options) for each `ankigen COMMAND ...` in a shell script."""
    calls = []
    for line in script.splitlines():
        words = line.split()
        for i, word in enumerate(words[:-1]):
            if word == "ankigen" or word.endswith("/ankigen"):
                calls.append((words[i + 1], [w for w in words[i + 2 :] if w.startswith("--")]))
    return calls


def test_workflow_tests_builds_reproducibly_and_attaches_decks_to_tag_releases(run_cli: RunCli) -> None:
    steps = workflow_steps()
    scripts = [step.get("run", "") for step in steps]
    assert "make test" in scripts
    build = next(s for s in scripts if "ankigen build" in s)
    assert "--strict" in build and "--report" in build and "--locked" in build
    assert "SOURCE_DATE_EPOCH" in build
    release = [step for step in steps if "dist/*.apkg" in step.get("run", "")]
    assert release and all(step["if"] == "startsWith(github.ref, 'refs/tags/')" for step in release)
    # every ankigen option the workflow uses exists
    calls = ankigen_calls("\n".join(scripts))
    assert {command for command, _ in calls} == {"build", "diff"}
    for command, options in calls:
        help_text = run_cli(command, "--help").out
        assert all(option in help_text for option in options), (command, options)


def test_pre_commit_hooks_run_real_commands(project: Path, run_cli: RunCli) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entries = {hook["id"]: shlex.split(hook["entry"]) for hook in hooks}
    assert entries["ankigen-check"] == ["ankigen", "check"]
    (project / "notes" / "s3.md").write_text(NOTE, encoding="utf-8")
    assert run_cli(*entries["ankigen-check"][1:], cwd=project).code == 0
    lock_hook = entries["ankigen-lock"][1:]
    assert run_cli(*lock_hook, cwd=project).code == 1  # no lock yet
    assert run_cli("build", cwd=project).code == 0
    assert run_cli(*lock_hook, cwd=project).code == 0
    (project / "notes" / "s3.md").write_text(NOTE + "- **Versioning** keeps old copies.\n", encoding="utf-8")
    result = run_cli(*lock_hook, cwd=project)
    assert result.code == 1 and "ankigen.lock is out of date" in result.err
