"""The config file: defaults, every key read, and errors that name file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ankigen.config import DEFAULT_DECK_NAME, Config, find_root, load_config
from ankigen.errors import ConfigError
from tests.conftest import REPO, RunCli

FULL = """\
# a full config
output = "decks"
deck_prefix = "AWS"
deck_name = "{prefix} {code} {title}::{domain}"
package_name = "{prefix}-{code}"
default_exam = "Solutions Architect Associate"
split = "domain"

[rules]
cloze = false

[domains]
"Cost Management" = "Billing, Pricing and Support"

[[exams]]
code = "MLS-C01"
files = ["notes/ml/**/*.md"]
aliases = ["ML specialty"]

[exams.domains]
Analytics = "Data Engineering"
sagemaker = "Modeling"

[[exams]]
code = "CLF-C02"
title = "Cloud Practitioner (2024)"
"""


def write(folder: Path, text: str, name: str = "ankigen.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str, name: str = "ankigen.toml") -> ConfigError:
    write(folder, text, name)
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    return caught.value


def test_defaults_without_a_config(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path.resolve())
    assert (config.output, config.split, config.deck_name, config.default_exam) == (
        "dist",
        "exam",
        DEFAULT_DECK_NAME,
        "",
    )
    assert config.rule_enabled("cloze")


def test_every_key_is_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL).parent)
    assert config.output == "decks"
    assert config.split == "domain"
    assert config.default_exam == "SAA-C03"  # a title resolves to its code
    assert not config.rule_enabled("cloze") and config.rule_enabled("topic")
    assert config.domains == {"Cost Management": "Billing, Pricing and Support"}
    ml, clf = config.exams
    assert (ml.code, ml.title, ml.files, ml.aliases) == (
        "MLS-C01",
        "Machine Learning Specialty",  # from the built-in catalogue
        ("notes/ml/**/*.md",),
        ("ML specialty",),
    )
    assert ml.domains == {"Analytics": "Data Engineering", "sagemaker": "Modeling"}
    assert clf.title == "Cloud Practitioner (2024)"
    assert config.source.endswith("ankigen.toml")


def test_pyproject_tool_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.other]\noutput = 3\n\n[tool.ankigen]\noutput = "out"\n\n'
        '[[tool.ankigen.exams]]\ncode = "SAA-C03"\n',
        "pyproject.toml",
    )
    (tmp_path / "sub").mkdir()
    assert find_root(tmp_path / "sub") == tmp_path.resolve()
    config = load_config(tmp_path)
    assert config.output == "out"
    assert [exam.code for exam in config.exams] == ["SAA-C03"]


def test_pyproject_errors_point_into_the_tool_table(tmp_path: Path) -> None:
    text = '[tool.other]\noutput = "x"\n\n[tool.ankigen]\noutput = 5\n'
    error = error_of(tmp_path, text, "pyproject.toml")
    assert (error.key, error.line) == ("output", 5)
    assert str(error).endswith("pyproject.toml:5: output: expected a string")


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ('output = "dist"\nsplt = "exam"\n', "splt", 2, "did you mean 'split'?"),
        ('split = "deck"\n', "split", 1, "expected 'exam' or 'domain'"),
        ("output = 3\n", "output", 1, "expected a string"),
        ('deck_name = "{prefix} {exam}::{domain}"\n', "deck_name", 1, "unknown field {exam}"),
        ('default_exam = "not an exam at all"\n', "default_exam", 1, "unknown exam"),
        ("\n[rules]\ntopic = true\nclose = false\n", "rules.close", 4, "unknown card rule"),
        ('[rules]\ncloze = "no"\n', "rules.cloze", 2, "expected true or false"),
        ('[domains]\nStorrage = "Data"\n', "domains.Storrage", 2, "did you mean 'Storage'?"),
        (
            '[[exams]]\ncode = "SAA-C03"\n\n[[exams]]\ncode = "MLS-C01"\n\n[exams.domains]\n'
            'Analytics = "Data Engineering"\nNope = "x"\n',
            "exams[1].domains.Nope",
            9,
            "not a category or service id",
        ),
        ('[[exams]]\ncode = "SAA-C03"\n[[exams]]\ntitle = "no code"\n', "exams[1]", 3, "missing 'code'"),
        ('[[exams]]\ncode = "SAA-C03"\nfile = ["x"]\n', "exams[0].file", 3, "did you mean 'files'?"),
        ('[[exams]]\ncode = "SAA C03"\n', "exams[0].code", 2, "letters, digits and hyphens"),
        ('[[exams]]\ncode = "A-1"\n[[exams]]\ncode = "a-1"\n', "exams[1].code", 4, "defined twice"),
        ('[[exams]]\ncode = "A-1"\nfiles = "notes/*.md"\n', "exams[0].files", 3, "a list of strings"),
        ('[[exams]]\ncode = "A-1"\ndomains = { Compute = 3 }\n', "exams[0].domains.Compute", 3, "name of"),
    ],
)
def test_errors_name_file_key_and_line(tmp_path: Path, text: str, key: str, line: int, message: str) -> None:
    error = error_of(tmp_path, text)
    assert (error.key, error.line) == (key, line), str(error)
    assert message in str(error)
    assert str(error).startswith(f"{tmp_path.resolve() / 'ankigen.toml'}:{line}: {key}: ")


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, 'output = "dist"\n\nsplit = \n')
    assert error.line == 3 and "invalid TOML" in str(error)


def test_cli_reports_config_error_in_one_line(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# EC2\n\nVirtual **servers**.\n", encoding="utf-8")
    write(tmp_path, 'output = "dist"\n[[exams]]\ncode = "SAA-C03"\ntitel = "x"\n')
    result = run_cli("build", cwd=tmp_path)
    assert result.code == 1
    where = f"{tmp_path.resolve() / 'ankigen.toml'}:4"
    assert result.err.strip().splitlines() == [
        f"ankigen: {where}: exams[0].titel: unknown key (did you mean 'title'?)"
    ]
    assert not (tmp_path / "dist").exists()


def test_explicit_config_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'output = "elsewhere"\n', "my.toml")
    assert load_config(tmp_path, path).output == "elsewhere"
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path, tmp_path / "missing.toml")


def test_the_shipped_config_is_valid() -> None:
    config = load_config(REPO)
    assert config.source == str(REPO / "ankigen.toml")
    assert [exam.code for exam in config.exams] == ["CLF-C02", "SAA-C03", "MLS-C01"]


def test_the_readme_example_is_valid(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The config file", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load_config(write(tmp_path, example).parent)
    (exam,) = config.exams
    assert exam.domains["sagemaker"] == "ML Implementation and Operations"
