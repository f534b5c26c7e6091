import time
from decimal import Decimal
from pathlib import Path

import pytest
from kb_helpers import generated_promotion

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.loader import load_knowledge_base, validate_knowledge_base
from knowledge_base.models import PromotionStatus

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "kb_invalid"


def _where(issue) -> tuple[str, int | None, str | None, str, str]:
    return (Path(issue.file).name, issue.line, issue.field, issue.code, issue.severity)


def test_the_sample_chain_loads_with_every_store_product_and_promotion() -> None:
    knowledge = load_knowledge_base()
    assert set(knowledge.stores) == {"SH-01", "SH-02", "HZ-01", "SG-01", "BER-01"}
    assert len(knowledge.products) == 12
    assert set(knowledge.promotions) == {
        "weekend-running",
        "winter-boots",
        "socks-3for2",
        "berlin-black-friday",
        "autumn-clearance",
        "double-12",
        "new-year-preview",
    }
    assert knowledge.promotion("new-year-preview").status is PromotionStatus.DRAFT
    assert knowledge.zone_name("BER-01") == "Europe/Berlin"
    assert knowledge.currency_of("SG-01").code == "SGD"


def test_the_sample_chain_warns_only_about_its_two_deliberate_gaps() -> None:
    # Double 12 and Winter Boots do not say how they stack; Double 12 (and the retired Autumn
    # Clearance) name no contact, so the built-in headquarters contact answers for them.
    issues = validate_knowledge_base()
    assert [(Path(i.file).name, i.code, i.severity) for i in issues] == [
        ("contacts.yaml", "built_in_contact", "warning"),
        ("double-12.yaml", "stacking_undefined", "warning"),
    ]
    assert "autumn-clearance, double-12" in issues[0].message
    assert "answerer.contact" in issues[0].message
    assert "winter-boots" in issues[1].message


def test_money_is_read_from_the_yaml_text_exactly() -> None:
    price = load_knowledge_base().product("AX-200").list_price["CNY"]
    assert price == Decimal("899") and isinstance(price, Decimal)


def test_yaml_decimals_never_pass_through_float(sample_copy: Path) -> None:
    file = sample_copy / "promotions" / "berlin-black-friday.yaml"
    file.write_text(file.read_text().replace("percent: 25", "percent: 12.35"))
    rule = load_knowledge_base(sample_copy).promotion("berlin-black-friday").rules[0]
    assert rule.percent == Decimal("12.35")  # type: ignore[union-attr]


def test_loading_reports_every_problem_with_file_line_and_field() -> None:
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(INVALID)
    found = {_where(issue) for issue in raised.value.issues}
    expected_errors = {
        ("catalogue.yaml", 21, "products[3].category", "unknown_category", "error"),
        ("catalogue.yaml", 22, "products[3].list_price", "missing_price", "error"),
        ("bad-yaml.yaml", 7, None, "yaml_syntax", "error"),
        ("wrong-types.yaml", 2, "version", "schema_int_parsing", "error"),
        ("wrong-types.yaml", 10, "rules[0].percent", "schema_decimal_parsing", "error"),
        ("unknown-fields.yaml", 5, "discount", "schema_extra_forbidden", "error"),
        ("unknown-fields.yaml", 11, "rules[0].precent", "schema_extra_forbidden", "error"),
        ("unknown-fields.yaml", 10, "rules[0].percent", "schema_missing", "error"),
        ("unknown-fields.yaml", 12, "rules[1]", "schema_union_tag_invalid", "error"),
        ("bad-dates.yaml", 6, "window.start", "schema_value_error", "error"),
        ("bad-dates.yaml", 7, "window.end", "schema_value_error", "error"),
        ("window-backwards.yaml", 7, "window.end", "schema_value_error", "error"),
        ("duplicate-key.yaml", 11, "title", "duplicate_key", "error"),
        ("unknown-references.yaml", 6, "regions[1]", "unknown_region", "error"),
        ("unknown-references.yaml", 7, "stores[0]", "unknown_store", "error"),
        ("unknown-references.yaml", 9, "scope.categories[0]", "unknown_category", "error"),
        ("unknown-references.yaml", 10, "scope.skus[0]", "unknown_sku", "error"),
        ("unknown-references.yaml", 11, "contact", "unknown_contact", "error"),
        ("unknown-references.yaml", 13, "stacking.stacks_with[0]", "unknown_promotion", "error"),
        ("unknown-references.yaml", 16, "rules[0].amount", "missing_currency", "error"),
        ("overlap-second.yaml", 11, "stacking", "overlap_not_stackable", "error"),
        ("channel-typo.yaml", 10, "channels.app_coupon", "schema_extra_forbidden", "error"),
        ("channel-typo.yaml", 12, "channels.other[0].combines", "schema_missing", "error"),
        ("format-extensions.yaml", 8, "exclude_stores[0]", "unknown_store", "error"),
        ("format-extensions.yaml", 15, "rule_sets[0].start", "rule_set_outside_window", "error"),
        ("format-extensions.yaml", 19, "rule_sets[1].scope.skus[0]", "unknown_sku", "error"),
        ("format-extensions.yaml", 20, "rule_sets[1].rules[0].amount", "missing_currency", "error"),
    }
    expected_warnings = {
        ("pointless-exclusion.yaml", 9, "scope.exclude_skus[0]", "pointless_exclusion", "warning"),
        ("zoneless-region.yaml", 6, "regions[0]", "region_without_time_zone", "warning"),
        ("undefined-second.yaml", 12, "stacking", "stacking_undefined", "warning"),
        ("contacts.yaml", 1, "contacts", "built_in_contact", "warning"),
        ("format-extensions.yaml", 6, "window.end", "end_at_2359", "warning"),
        ("format-extensions.yaml", 8, "exclude_stores[1]", "pointless_exclusion", "warning"),
        ("format-extensions.yaml", 18, "rule_sets[1].start", "rule_set_outside_window", "warning"),
    }
    assert found == expected_errors | expected_warnings
    assert raised.value.code == "knowledge_base_invalid"


def test_error_messages_name_the_place_and_the_value() -> None:
    issues = {(Path(i.file).name, i.field): i for i in validate_knowledge_base(INVALID)}
    assert "twenty" in issues[("wrong-types.yaml", "rules[0].percent")].message
    assert "2026-13-01" in issues[("bad-dates.yaml", "window.start")].message
    assert "before it starts" in issues[("window-backwards.yaml", "window.end")].message
    assert "'precent'" in issues[("unknown-fields.yaml", "rules[0].precent")].message
    assert "half_price" in issues[("unknown-fields.yaml", "rules[1]")].message
    assert "ZZ-999" in issues[("unknown-references.yaml", "scope.skus[0]")].message
    text = str(issues[("overlap-second.yaml", "stacking")])
    assert text.startswith(f"{INVALID}/promotions/overlap-second.yaml:11: error: stacking:")
    assert "overlap-first" in text


def test_the_error_lists_every_error_in_its_message() -> None:
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(INVALID)
    assert "27 error(s)" in str(raised.value)
    assert len(raised.value.errors) == 27


def test_warnings_alone_do_not_stop_loading(sample_copy: Path) -> None:
    # The sample's only finding is a warning; it loads.
    assert load_knowledge_base(sample_copy).promotion("double-12")


def test_a_missing_required_file_is_an_error(sample_copy: Path) -> None:
    (sample_copy / "catalogue.yaml").unlink()
    issues = validate_knowledge_base(sample_copy)
    assert [(Path(i.file).name, i.code) for i in issues] == [("catalogue.yaml", "missing")]


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="directory not found"):
        load_knowledge_base(tmp_path / "nowhere")


def test_duplicate_promotion_ids_are_errors(sample_copy: Path) -> None:
    source = sample_copy / "promotions" / "socks-3for2.yaml"
    (sample_copy / "promotions" / "socks-copy.yaml").write_text(source.read_text())
    issues = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert [(Path(i.file).name, i.line, i.field, i.code) for i in issues] == [
        ("socks-copy.yaml", 1, "id", "dup")
    ]


def test_a_yaml_1_1_boolean_word_as_a_key_stays_a_field_name(sample_copy: Path) -> None:
    # `off:` in the spend tiers would be the boolean false in YAML 1.1.
    tiers = load_knowledge_base(sample_copy).promotion("winter-boots").rules[0].tiers  # type: ignore[union-attr]
    assert tiers[0].off == {"CNY": Decimal(150)}


@pytest.mark.slow
def test_ten_thousand_promotions_load_within_a_few_seconds(sample_copy: Path) -> None:
    promotions = sample_copy / "promotions"
    for index in range(10_000):
        (promotions / f"generated-{index:05d}.yaml").write_text(generated_promotion(index))
    started = time.thread_time()
    knowledge = load_knowledge_base(sample_copy)
    cpu_seconds = time.thread_time() - started
    assert len(knowledge.promotions) == 10_007
    # About 3.5 s of CPU on an idle 2-core runner; the bound leaves room for a busy one.
    assert cpu_seconds < 10, f"loading took {cpu_seconds:.1f} s of CPU"


# --- hostile input is bounded ----------------------------------------------------------------

ALIAS_BOMB = """a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _only(issues, code: str):
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, issues
    return found[0]


def test_nested_aliases_are_refused_before_they_expand(sample_copy: Path) -> None:
    assert len(ALIAS_BOMB) < 500  # would expand to 9**9 = 387 million values
    (sample_copy / "promotions" / "bomb.yaml").write_text(ALIAS_BOMB)
    started = time.thread_time()
    issue = _only(validate_knowledge_base(sample_copy), "yaml_alias_limit")
    assert time.thread_time() - started < 5
    assert Path(issue.file).name == "bomb.yaml" and issue.line is not None
    assert "aliases expand to more than 10000 extra values" in issue.message


def test_a_few_aliases_are_fine(sample_copy: Path) -> None:
    file = sample_copy / "catalogue.yaml"
    text = file.read_text().replace(
        "list_price: {CNY: 79, SGD: 15, EUR: 12}", "list_price: &cheap {CNY: 79, SGD: 15, EUR: 12}"
    )
    text = text.replace("list_price: {CNY: 99, SGD: 19, EUR: 15}", "list_price: *cheap")
    file.write_text(text)
    assert load_knowledge_base(sample_copy).product("SK-WOOL").list_price["CNY"] == 79


def test_an_alias_that_contains_itself_is_refused(sample_copy: Path) -> None:
    (sample_copy / "promotions" / "loop.yaml").write_text("id: &x [1, *x]\n")
    issue = _only(validate_knowledge_base(sample_copy), "yaml_alias_recursive")
    assert (Path(issue.file).name, issue.line) == ("loop.yaml", 1)


def test_a_file_larger_than_the_limit_is_not_read(sample_copy: Path) -> None:
    big = sample_copy / "promotions" / "big.yaml"
    big.write_text("talk_track: " + "a" * (5 * 1024 * 1024) + "\n")
    issue = _only(validate_knowledge_base(sample_copy), "file_too_large")
    assert Path(issue.file).name == "big.yaml"
    assert "larger than 4194304 bytes" in issue.message


def test_a_very_long_value_is_refused_with_its_line_and_field(sample_copy: Path) -> None:
    file = sample_copy / "promotions" / "weekend-running.yaml"
    text = file.read_text().replace(
        "  en: This weekend all running shoes", "  en: " + "x" * 1_000_000 + " This weekend", 1
    )
    file.write_text(text)
    issue = _only(validate_knowledge_base(sample_copy), "value_too_long")
    assert (Path(issue.file).name, issue.line, issue.field) == (
        "weekend-running.yaml",
        29,
        "talk_track.en",
    )
    assert "1000069 characters long (at most 20000)" in issue.message


def test_a_talk_track_longer_than_a_minute_of_speech_is_refused(sample_copy: Path) -> None:
    file = sample_copy / "promotions" / "weekend-running.yaml"
    text = file.read_text().replace(
        "  en: This weekend all running shoes", "  en: " + "so " * 600, 1
    )
    file.write_text(text)
    issue = _only(validate_knowledge_base(sample_copy), "schema_value_error")
    assert (issue.line, issue.field) == (28, "talk_track")
    assert "at most 1000" in issue.message
    assert len(str(issue)) < 300  # the value is not echoed back whole


def test_a_long_title_is_refused_and_not_echoed_whole(sample_copy: Path) -> None:
    file = sample_copy / "promotions" / "double-12.yaml"
    file.write_text(
        file.read_text().replace("title: {en: Double 12,", "title: {en: " + "D" * 5000 + ",")
    )
    issue = _only(validate_knowledge_base(sample_copy), "schema_value_error")
    assert (issue.line, issue.field) == (4, "title")
    assert "at most 120" in issue.message and len(issue.message) < 200
