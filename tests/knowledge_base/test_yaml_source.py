"""The one YAML reader: plain data with the line of every value, bounded, for every caller."""

from decimal import Decimal
from pathlib import Path

from knowledge_base.models import Promotion
from knowledge_base.yaml_source import (
    YamlLimits,
    files_under,
    parse_yaml,
    read_yaml,
    validate_document,
)

HISTORY = """published_at: 2026-11-20T09:00:00+08:00
published_by: Lin Wei
promotion:
  id: spring
  version: 1
  status: published
  title: Spring
  window: {start: 2026-03-01, end: 2026-03-31}
  regions: [east-china]
  scope: {categories: [socks]}
  rules:
    - kind: percent_off
      percent: twelve
"""


def test_values_keep_their_lines_and_numbers_stay_decimal() -> None:
    doc, issues = parse_yaml("a: 1\nb:\n  - 12.35\n  - off\n", file="x.yaml")
    assert issues == [] and doc is not None
    assert doc.data == {"a": 1, "b": [Decimal("12.35"), False]}
    assert (doc.line(("a",)), doc.line(("b", 0)), doc.line(("b", 1))) == (1, 3, 4)
    assert doc.line(("b", 7)) == 2  # unknown index: the deepest known value


def test_a_nested_model_is_validated_with_its_dotted_field_and_line() -> None:
    doc, issues = parse_yaml(HISTORY, file="history/spring/v1.yaml")
    assert doc is not None and issues == []
    promotion, problems = validate_document(Promotion, doc, at=("promotion",))
    assert promotion is None
    assert [str(p) for p in problems] == [
        "history/spring/v1.yaml:13: error: promotion.rules[0].percent:"
        " Input should be a valid decimal (got 'twelve')"
    ]


def test_a_valid_nested_model_comes_back_with_no_issues() -> None:
    doc, _ = parse_yaml(HISTORY.replace("twelve", "12"), file="v1.yaml")
    assert doc is not None
    promotion, problems = validate_document(Promotion, doc, at=("promotion",))
    assert problems == [] and promotion is not None and promotion.id == "spring"
    assert doc.data["published_at"].utcoffset().total_seconds() == 8 * 3600


def test_duplicate_keys_are_reported_and_the_first_value_kept() -> None:
    doc, issues = parse_yaml("a: 1\na: 2\n", file="x.yaml")
    assert doc is not None and doc.data == {"a": 1}
    assert [(i.line, i.field, i.code) for i in issues] == [(2, "a", "duplicate_key")]


def test_syntax_errors_have_a_line() -> None:
    doc, issues = parse_yaml("a: [1, 2\nb: 3\n", file="x.yaml")
    assert doc is None
    assert [(i.code, i.line is not None) for i in issues] == [("yaml_syntax", True)]


def test_limits_can_be_tightened_per_call(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("a: [" + ", ".join(["1"] * 50) + "]\n")
    assert read_yaml(file, limits=YamlLimits(max_file_bytes=64))[1][0].code == "file_too_large"
    deep = "a: " + "[" * 5 + "]" * 5 + "\n"
    _, issues = parse_yaml(deep, file="x.yaml", limits=YamlLimits(max_depth=3))
    assert [i.code for i in issues] == ["yaml_too_deep"]


def test_unreadable_and_non_utf8_files_are_issues_not_exceptions(tmp_path: Path) -> None:
    assert read_yaml(tmp_path / "missing.yaml")[1][0].code == "unreadable"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Müller\n".encode("latin-1"))
    assert read_yaml(latin)[1][0].code == "encoding"


def test_files_under_lists_regular_files_but_not_hidden_ones(tmp_path: Path) -> None:
    (tmp_path / "weekend").mkdir()
    (tmp_path / "weekend" / "v1.yaml").write_text("a: 1\n")
    (tmp_path / "weekend" / ".v2.yaml.swp").write_text("")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x").write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in files_under(tmp_path)] == [
        "weekend/v1.yaml"
    ]
    assert files_under(tmp_path / "nowhere") == []
