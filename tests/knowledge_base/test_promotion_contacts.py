"""More than one contact per promotion, contacts reached by a messaging app, publish times."""

from datetime import date
from pathlib import Path

from kb_helpers import DEFAULT_CONTACT, local

from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base, validate_knowledge_base
from knowledge_base.phrasing import contact_phrase

WEEKEND = "promotions/weekend-running.yaml"


def _edit(kb: Path, file: str, old: str, new: str) -> None:
    path = kb / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _by_region(kb: Path) -> None:
    _edit(
        kb,
        WEEKEND,
        "contact: lin-wei\n",
        "contacts:\n"
        "  - {contact: lin-wei, regions: [east-china]}\n"
        "  - {contact: maria-keller, stores: [SG-01]}\n",
    )


def _errors_in_weekend(kb: Path) -> list:
    return [
        i
        for i in validate_knowledge_base(kb)
        if i.severity == "error" and Path(i.file).name == "weekend-running.yaml"
    ]


def _ask(kb: Path, text: str, store: str) -> str:
    answerer = GroundedAnswerer(
        knowledge=load_knowledge_base(kb),
        default_contact=DEFAULT_CONTACT,
        clock=lambda: local("SH-01", "2026-11-28T15:00"),
    )
    return answerer.answer_now(Question(text=text, store_id=store)).text


def test_each_store_hears_the_contact_written_for_its_region_or_store(sample_copy: Path) -> None:
    _by_region(sample_copy)
    knowledge = load_knowledge_base(sample_copy)
    weekend = knowledge.promotion("weekend-running")
    assert knowledge.contact_for(weekend, "SH-01").id == "lin-wei"
    assert knowledge.contact_for(weekend, "SG-01").id == "maria-keller"
    assert [c.id for c, _ in knowledge.contacts_for(weekend)] == ["lin-wei", "maria-keller"]
    assert "Maria Keller" in _ask(sample_copy, "Who do I call about the weekend offer?", "SG-01")
    assert "Lin Wei" in _ask(sample_copy, "Who do I call about the weekend offer?", "SH-01")


def test_every_contact_covering_the_store_is_named_with_their_role(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        WEEKEND,
        "contact: lin-wei\n",
        "contacts:\n"
        "  - contact: lin-wei\n"
        "  - contact: maria-keller\n"
        "    role: {en: on the shop floor on Saturday, zh-CN: 周六在店内}\n",
    )
    text = _ask(sample_copy, "Who do I call about the weekend offer?", "SH-01")
    assert "Lin Wei, east region promotions, extension 2204" in text
    assert "Maria Keller, on the shop floor on Saturday" in text


def test_writing_both_contact_and_contacts_is_an_error_with_its_line(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        WEEKEND,
        "contact: lin-wei\n",
        "contact: lin-wei\ncontacts:\n  - {contact: maria-keller}\n",
    )
    errors = _errors_in_weekend(sample_copy)
    assert len(errors) == 1, errors
    assert "not both" in errors[0].message


def test_a_contacts_entry_naming_an_unknown_contact_or_store_is_an_error(
    sample_copy: Path,
) -> None:
    _edit(
        sample_copy,
        WEEKEND,
        "contact: lin-wei\n",
        "contacts:\n  - {contact: nobody}\n  - {contact: lin-wei, stores: [BER-01]}\n",
    )
    errors = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert sorted((i.field, i.code) for i in errors) == [
        ("contacts[0].contact", "unknown_contact"),
        ("contacts[1].stores[0]", "unknown_store"),
    ]
    assert all(i.line is not None for i in errors)


def test_a_contact_reached_only_by_a_messaging_app_is_valid_and_spoken_as_written(
    sample_copy: Path,
) -> None:
    _edit(sample_copy, "contacts.yaml", '    extension: "3100"\n', "    messaging: LINE\n")
    maria = load_knowledge_base(sample_copy).contacts["maria-keller"]
    assert maria.ways == [("messaging", "LINE")]
    assert contact_phrase(maria, False) == "Maria Keller, merchandising, on LINE"
    assert contact_phrase(maria, True) == "商品部的Maria Keller，LINE联系"


def test_a_version_says_when_it_was_published_as_a_date_or_an_aware_time(
    sample_copy: Path,
) -> None:
    _edit(
        sample_copy,
        WEEKEND,
        "contact: lin-wei\n",
        "contact: lin-wei\npublished_at: 2026-11-20\n",
    )
    weekend = load_knowledge_base(sample_copy).promotion("weekend-running")
    assert weekend.published_at == date(2026, 11, 20)
    _edit(sample_copy, WEEKEND, "published_at: 2026-11-20\n", "published_at: 2026-11-20T09:00\n")
    errors = _errors_in_weekend(sample_copy)
    assert [(i.field, "UTC offset" in i.message) for i in errors] == [("published_at", True)]
