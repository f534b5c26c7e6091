"""Promotion versions: canonical content, field-level diffs, spoken summaries, publish plans."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from knowledge_base.answering import Role
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from knowledge_base.models import Promotion
from knowledge_base.versions import (
    PublishCandidate,
    VersionContentError,
    canonical_text,
    change_lines,
    change_summary,
    content_hash,
    diff_promotions,
    latest_changes,
    make_version,
    plan_publication,
    promotion_from_text,
    read_history,
    spoken_names,
    unified_diff,
    version_line,
)
from voice_agent.storage import SqlPromotionVersionRepository, open_database

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
KB = load_knowledge_base()
NAMES = spoken_names(KB)
V2 = KB.promotion("weekend-running")
V1 = read_history(SAMPLE_DATA_DIR)[0]["weekend-running"][0].promotion


def _edited(promotion: Promotion, **changes: object) -> Promotion:
    data = yaml.safe_load(canonical_text(promotion))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return Promotion.model_validate(data)


# --- the sample's history ------------------------------------------------------------------------


def test_sample_history_holds_version_1_with_15_percent_and_no_exclusion() -> None:
    assert V1.version == 1 and V2.version == 2
    assert V1.rules[0].percent == 15  # type: ignore[union-attr]
    assert V1.scope.exclude_skus == []


def test_hq_lines_for_the_sample_name_each_changed_field() -> None:
    lines = change_lines(V1, V2)
    assert "discount: 15 percent -> 20 percent" in lines
    assert "exclusions: added AX-200-LE" in lines
    assert "FAQ: added Is the limited edition included?" in lines


def test_spoken_summary_for_the_sample_leads_with_the_discount() -> None:
    sentences = change_summary(V1, V2, names=NAMES)
    assert sentences[:2] == [
        "The discount went up from 15 percent to 20 percent.",
        "The Aero X 200 Limited Edition is now excluded.",
    ]
    assert "The talk track was updated." in sentences


def test_every_number_spoken_in_a_summary_is_in_one_of_the_versions() -> None:
    import re

    texts = canonical_text(V1) + canonical_text(V2)
    for sentence in change_summary(V1, V2, names=NAMES, role=Role.HQ):
        for number in re.findall(r"\d+(?:[.,]\d+)*", sentence):
            assert number in texts, (number, sentence)


def test_yaml_text_and_models_give_the_same_diff() -> None:
    assert change_lines(canonical_text(V1), canonical_text(V2)) == change_lines(V1, V2)


# --- field-level wording -------------------------------------------------------------------------


def test_a_moved_end_date_reads_as_dates() -> None:
    later = _edited(V2, window__end="2026-11-30")
    assert change_lines(V2, later) == ["end: 2026-11-29 -> 2026-11-30"]
    assert change_summary(V2, later) == ["It now ends on 30 November instead of 29 November."]


def test_a_start_time_that_is_not_midnight_keeps_its_clock_time() -> None:
    later = _edited(V2, window__start="2026-11-27T10:00")
    assert change_lines(V2, later) == ["start: 2026-11-27 -> 2026-11-27 10:00"]
    assert change_summary(V2, later) == [
        "It now starts on 27 November at 10:00 instead of 27 November."
    ]


def test_a_lower_discount_went_down() -> None:
    lower = _edited(V2, rules__0__percent=10)
    assert change_summary(V2, lower) == ["The discount went down from 20 percent to 10 percent."]


def test_removed_exclusion_and_added_region_and_limit_change() -> None:
    data = yaml.safe_load(canonical_text(V2))
    data["scope"]["exclude_skus"] = []
    data["regions"] = ["east-china", "singapore", "germany"]
    data["limit"]["per_customer"] = 3
    changed = Promotion.model_validate(data)
    assert change_lines(V2, changed) == [
        "exclusions: removed AX-200-LE",
        "regions: added germany",
        "limit: 2 pairs per customer -> 3 pairs per customer",
    ]
    assert change_summary(V2, changed, names=NAMES) == [
        "The Aero X 200 Limited Edition is no longer excluded.",
        "It now also runs in " + NAMES["germany"] + ".",
        "The limit is now 3 pairs per customer instead of 2 pairs per customer.",
    ]


def test_a_new_rule_and_a_new_stacking_partner_are_spoken() -> None:
    data = yaml.safe_load(canonical_text(V2))
    data["rules"] = [data["rules"][0]]
    data["stacking"]["stacks_with"] = ["socks-3for2", "double-12"]
    changed = Promotion.model_validate(data)
    assert change_summary(V2, changed, names=NAMES) == [
        "This rule no longer applies: members save another 5 percent.",
        "It can now be combined with Double 12.",
    ]


def test_an_amount_per_currency_and_a_later_rule_set_are_spoken_in_words() -> None:
    data = yaml.safe_load(canonical_text(V2))
    data["rules"] = [{"kind": "amount_off", "amount": {"CNY": 50, "SGD": 5}}]
    before = Promotion.model_validate(data)
    data["rules"] = [{"kind": "amount_off", "amount": {"CNY": 80, "SGD": 5}}]
    data["rule_sets"] = [
        {
            "start": "2026-11-28",
            "scope": {"skus": ["AX-200-LE"]},
            "rules": [{"kind": "percent_off", "percent": 10}],
        }
    ]
    data["published_at"] = "2026-11-27T10:00+08:00"
    after = Promotion.model_validate(data)
    names = {**NAMES, "CNY": "yuan"}
    assert change_summary(before, after, names=names) == [
        "The amount off went up from 50 to 80 yuan.",
        f"New: 10 percent off on the {NAMES['AX-200-LE']} from 28 November.",
    ]  # and when it was published is bookkeeping, not news


def test_reordered_lists_matched_by_identity_are_not_changes() -> None:
    data = yaml.safe_load(canonical_text(V2))
    data["rules"].reverse()
    data["faqs"].reverse()
    assert diff_promotions(V2, Promotion.model_validate(data)) == []


def test_clerks_do_not_hear_changed_manager_notes_or_targets() -> None:
    data = yaml.safe_load(canonical_text(V2))
    data["store_manager_notes"] = [{"en": "Three extra staff on Saturday."}]
    data["regional_manager_targets"] = [{"en": "Sell-through target 1,500 pairs."}]
    changed = Promotion.model_validate(data)
    assert change_summary(V2, changed, role=Role.CLERK) == []
    store_manager = change_summary(V2, changed, role=Role.STORE_MANAGER)
    assert any("Three extra staff" in s for s in store_manager)
    assert not any("1,500" in s for s in store_manager)
    assert any("1,500" in s for s in change_summary(V2, changed, role=Role.REGIONAL_MANAGER))


def test_only_the_version_number_changing_is_no_change() -> None:
    assert diff_promotions(V2, _edited(V2, version=3)) == []
    assert content_hash(V2) == content_hash(_edited(V2, version=3))


# --- canonical content ---------------------------------------------------------------------------


@pytest.mark.parametrize("promotion_id", sorted(KB.promotions))
def test_canonical_text_reads_back_as_the_same_promotion(promotion_id: str) -> None:
    promotion = KB.promotion(promotion_id)
    assert promotion_from_text(canonical_text(promotion)) == promotion


def test_hash_ignores_formatting_comments_and_spelled_out_defaults() -> None:
    text = (SAMPLE_DATA_DIR / "promotions" / "weekend-running.yaml").read_text(encoding="utf-8")
    reformatted = (
        "# a comment\n"
        + text.replace("status: published", "status:   published")
        + ("stores: []\n")
    )
    assert content_hash(promotion_from_text(reformatted)) == content_hash(V2)
    assert content_hash(_edited(V2, rules__0__percent=21)) != content_hash(V2)


def test_decimals_are_written_exactly_and_read_back_as_decimals() -> None:
    promotion = _edited(V2, rules__0__percent="12.5")
    assert "percent: 12.5\n" in canonical_text(promotion)
    assert promotion_from_text(canonical_text(promotion)).rules[0].percent == Decimal("12.5")  # type: ignore[union-attr]


def test_invalid_version_content_is_a_clear_error() -> None:
    with pytest.raises(VersionContentError) as error:
        promotion_from_text("id: x\nversion: [")
    assert error.value.code == "version_content_invalid"


def test_unified_diff_shows_the_changed_lines() -> None:
    diff = unified_diff(V1, V2, old_label="weekend-running v1", new_label="weekend-running v2")
    assert diff.startswith("--- weekend-running v1\n+++ weekend-running v2\n")
    assert "-  percent: 15\n+  percent: 20\n" in diff
    assert "+  exclude_skus:\n+  - AX-200-LE\n" in diff


# --- publish planning ----------------------------------------------------------------------------


def _candidates(*promotions: Promotion) -> list[PublishCandidate]:
    return [PublishCandidate(promotion=p, file=f"{p.id}.yaml", version_line=2) for p in promotions]


def test_first_publish_stores_shipped_history_then_the_current_file() -> None:
    history, _ = read_history(SAMPLE_DATA_DIR)
    plan = plan_publication(
        _candidates(V2), latest={}, history=history, published_at=NOW, published_by="HQ"
    )
    assert plan.ok
    assert [(v.promotion_id, v.version) for v in plan.new_versions] == [
        ("weekend-running", 1),
        ("weekend-running", 2),
    ]
    first, second = plan.new_versions
    assert (first.published_by, first.published_at) == (
        "Lin Wei",
        datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI),
    )
    assert first.diff == ""
    assert (second.published_by, second.published_at) == ("HQ", NOW)
    assert "-  percent: 15\n+  percent: 20\n" in second.diff


def test_first_publish_without_history_adopts_the_file_version() -> None:
    plan = plan_publication(
        _candidates(V2), latest={}, history={}, published_at=NOW, published_by="HQ"
    )
    assert [v.version for v in plan.new_versions] == [2]


def test_drafts_are_not_versioned() -> None:
    draft = KB.promotion("new-year-preview")
    plan = plan_publication(
        _candidates(draft), latest={}, history={}, published_at=NOW, published_by="HQ"
    )
    assert plan.new_versions == [] and plan.drafts == ["new-year-preview"]


def test_unchanged_content_is_not_versioned_again() -> None:
    stored = make_version(V2, previous=None, published_at=NOW, published_by="HQ")
    plan = plan_publication(
        _candidates(V2),
        latest={"weekend-running": stored},
        history={},
        published_at=NOW,
        published_by="HQ",
    )
    assert plan.ok and plan.new_versions == [] and plan.unchanged == [stored]


def test_changed_content_with_the_next_version_number_is_stored_with_its_diff() -> None:
    stored = make_version(V2, previous=None, published_at=NOW, published_by="HQ")
    v3 = _edited(V2, version=3, window__end="2026-11-30")
    plan = plan_publication(
        _candidates(v3),
        latest={"weekend-running": stored},
        history={},
        published_at=NOW,
        published_by="Maria",
    )
    (version,) = plan.new_versions
    assert (version.version, version.published_by) == (3, "Maria")
    assert "-  end: 2026-11-30T00:00\n+  end: 2026-12-01T00:00\n" in version.diff


@pytest.mark.parametrize(
    ("file_version", "content_changed", "code", "fragment"),
    [
        (2, True, "version_mismatch", "so version must be 3 (it is 2)"),
        (4, True, "version_mismatch", "so version must be 3 (it is 4)"),
        (3, False, "version_without_change", "set version to 2"),
    ],
)
def test_a_version_number_that_does_not_follow_the_store_is_reported_with_file_and_line(
    file_version: int, content_changed: bool, code: str, fragment: str
) -> None:
    stored = make_version(V2, previous=None, published_at=NOW, published_by="HQ")
    edits: dict[str, object] = {"version": file_version}
    if content_changed:
        edits["rules__0__percent"] = 25
    plan = plan_publication(
        _candidates(_edited(V2, **edits)),
        latest={"weekend-running": stored},
        history={},
        published_at=NOW,
        published_by="HQ",
    )
    assert not plan.ok and plan.new_versions == []
    (issue,) = plan.issues
    assert (issue.file, issue.line, issue.field, issue.code) == (
        "weekend-running.yaml",
        2,
        "version",
        code,
    )
    assert fragment in issue.message


def test_history_not_older_than_the_file_is_reported() -> None:
    history, _ = read_history(SAMPLE_DATA_DIR)
    plan = plan_publication(
        _candidates(_edited(V2, version=1, changes=[])),
        latest={},
        history=history,
        published_at=NOW,
        published_by="HQ",
    )
    assert [i.code for i in plan.issues] == ["history_not_older"]


def test_version_line_finds_the_version_key() -> None:
    assert version_line(SAMPLE_DATA_DIR / "promotions" / "weekend-running.yaml") == 2


# --- history files -------------------------------------------------------------------------------


def _history_dir(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "history" / "weekend-running"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def _v1_text() -> str:
    return (SAMPLE_DATA_DIR / "history" / "weekend-running" / "v1.yaml").read_text(encoding="utf-8")


def test_history_file_problems_are_reported_with_file_line_and_field(tmp_path: Path) -> None:
    text = _v1_text().replace("published_at: 2026-11-20T09:00:00+08:00", "published_at: 2026-11-20")
    text = text.replace("      percent: 15", "      percent: 150")
    root = _history_dir(tmp_path, "v1.yaml", text)
    entries, issues = read_history(root)
    assert entries == {}
    by_field = {issue.field: issue for issue in issues}
    assert by_field["published_at"].line == 5
    assert by_field["promotion.rules[0].percent"].line == 21
    assert all(issue.file.endswith("v1.yaml") for issue in issues)


def test_history_file_name_must_match_its_version(tmp_path: Path) -> None:
    root = _history_dir(tmp_path, "v3.yaml", _v1_text())
    _, issues = read_history(root)
    assert [(i.field, i.line) for i in issues] == [("promotion.version", 9)]
    _, issues = read_history(_history_dir(tmp_path / "other", "first.yaml", _v1_text()))
    assert "v<N>.yaml" in issues[0].message


# --- reading changes back from the store ---------------------------------------------------------


def test_latest_changes_compares_the_two_newest_stored_versions(tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        repository = SqlPromotionVersionRepository(database=database)
        assert latest_changes(repository, "weekend-running") is None
        history, _ = read_history(SAMPLE_DATA_DIR)
        plan = plan_publication(
            _candidates(V2), latest={}, history=history, published_at=NOW, published_by="HQ"
        )
        repository.add(plan.new_versions)
        changes = latest_changes(repository, "weekend-running", names=NAMES)
    assert changes is not None
    assert (changes.from_version, changes.to_version, changes.published_by) == (1, 2, "HQ")
    assert changes.sentences[0] == "The discount went up from 15 percent to 20 percent."
    assert "discount: 15 percent -> 20 percent" in changes.lines
    assert changes.published_at == NOW.astimezone(UTC)


def test_a_file_older_than_the_published_version_is_reported_as_stale() -> None:
    newer = _edited(V2, version=3, rules__0__percent=30)
    stored = make_version(newer, previous=None, published_at=NOW, published_by="HQ")
    plan = plan_publication(
        _candidates(_edited(V2, rules__0__percent=25)),
        latest={"weekend-running": stored},
        history={},
        published_at=NOW,
        published_by="file-watch",
    )
    (issue,) = plan.issues
    assert (issue.line, issue.field, issue.code) == (2, "version", "stale_version")
    assert "older than the published version 3" in issue.message
    assert plan.new_versions == []
