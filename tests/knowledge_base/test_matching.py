import pytest
from kb_helpers import SAMPLES

from knowledge_base import catalogue_lookup
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.matching import compact, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is the A-X two hundred on sale?", ["is", "the", "a", "x", "200", "on", "sale"]),
        ("two hundred and twenty", ["220"]),
        ("WB three ten", ["wb", "3", "10"]),
        ("one thousand two hundred pairs", ["1200", "pairs"]),
        ("1,200 pairs", ["1200", "pairs"]),
        ("AX200", ["ax", "200"]),
        ("SK-3P", ["sk", "3", "p"]),
        ("周末AX-200", ["周", "末", "ax", "200"]),
    ],
)
def test_tokens_turn_number_words_into_digits_and_split_codes(text, expected) -> None:
    assert tokens(text) == expected


def test_compact_forms_ignore_spacing_case_and_punctuation() -> None:
    assert compact("AX-200") == compact("a x 200") == compact("Ax two hundred") == "ax200"


@pytest.mark.parametrize(
    ("heard", "sku"),
    [
        # Ways a clerk says it and ways Whisper tiny.en writes it (seen in fixture replays).
        ("AX-200", "AX-200"),
        ("AX 200", "AX-200"),
        ("A X 200", "AX-200"),
        ("ax200", "AX-200"),
        ("ax two hundred", "AX-200"),
        ("aero x", "AX-200"),
        ("the Aero X200", "AX-200"),
        ("the X200", "AX-200"),
        ("the Arrow X200", "AX-200"),
        ("the ex 200", "AX-200"),
        ("AX200 Limited Edition", "AX-200-LE"),
        ("the limited edition", "AX-200-LE"),
        ("R and 300", "RN-300"),
        ("the road? No, the 300", "RN-300"),
        ("road nova", "RN-300"),
        ("TR900", "TR-900"),
        ("T R 900", "TR-900"),
        ("city loafer", "CL-50"),
        ("CL fifty", "CL-50"),
        ("WB three ten", "WB-310"),
        ("the glacier, boot 320", "WB-320"),
        ("SK3P", "SK-3P"),
        ("S K 3 P", "SK-3P"),
        ("sports socks", "SK-3P"),
        ("SK wool", "SK-WOOL"),
        ("wool hiking socks", "SK-WOOL"),
        ("the everyday tea", "TE-100"),
        ("TE100", "TE-100"),
        ("Storm jackets of 100", "JK-700"),
        ("HD220", "HD-220"),
    ],
)
def test_products_are_found_as_speech_recognition_writes_them(knowledge, heard, sku) -> None:
    assert [m.sku for m in catalogue_lookup.find_products(knowledge, f"is {heard} on sale")] == [
        sku
    ]


@pytest.mark.parametrize(
    "text",
    [
        "What's the weather like tomorrow?",
        "Do we have the Nike Pegasus in size 42?",
        "Spend 1000 yuan",
        "Is it 20 percent off?",
        "Where is the staff toilet?",
    ],
)
def test_no_product_is_invented_from_unrelated_words_or_numbers(knowledge, text) -> None:
    assert catalogue_lookup.find_products(knowledge, text) == []


def test_several_products_are_found_in_the_order_heard(knowledge) -> None:
    found = catalogue_lookup.find_products(knowledge, "a winter boot 310 and a glacier boot 320")
    assert [m.sku for m in found] == ["WB-310", "WB-320"]


def test_categories_and_promotions_are_found_by_name_and_alias(knowledge) -> None:
    assert [
        c.id for c in catalogue_lookup.find_categories(knowledge, "are running shoes on sale")
    ] == ["running-shoes"]
    assert [c.id for c in catalogue_lookup.find_categories(knowledge, "袜子有优惠吗")] == ["socks"]
    assert [p.id for p in catalogue_lookup.find_promotions(knowledge, "the weekend deal")] == [
        "weekend-running"
    ]
    assert [p.id for p in catalogue_lookup.find_promotions(knowledge, "double twelve")] == [
        "double-12"
    ]
    assert [p.id for p in catalogue_lookup.find_promotions(knowledge, "SUCK 3 for 2")] == [
        "socks-3for2"
    ]


def test_draft_promotions_cannot_be_found(knowledge) -> None:
    assert catalogue_lookup.find_promotions(knowledge, "the new year preview") == []


def _chain(name: str | None) -> KnowledgeBase:
    """A sample chain's knowledge base (``None``: the packaged one)."""
    return load_knowledge_base(None if name is None else SAMPLES / name)


@pytest.mark.parametrize(
    ("chain", "text", "category"),
    [
        # "jewellery" and "jewellery on" read loosely as the Velvet Jewellery Box.
        ("sitara-jewels", "is silver jewellery on offer", "silver-jewellery"),
        (
            "sitara-jewels",
            "Silver jewellery is 10 percent off in the Diwali Festival Offer.",
            "silver-jewellery",
        ),
        ("sitara-jewels", "is gold jewellery on offer", "gold-jewellery"),
    ],
)
def test_a_category_said_by_its_name_is_not_read_as_a_loosely_heard_product(
    chain, text, category
) -> None:
    mentions = catalogue_lookup.catalogue_matcher(_chain(chain)).mentions(text)
    assert [(m.kind, m.key) for m in mentions if m.kind != "promotion"] == [("category", category)]


@pytest.mark.parametrize(
    ("chain", "text", "sku"),
    [
        # A product's own name inside a category's words, or a product heard over all of them.
        ("kupferhof-kitchen", "two raclette grills how much", "TC-RACL"),
        (None, "how much for three sports socks", "SK-3P"),
    ],
)
def test_a_product_heard_inside_or_over_a_category_name_is_still_the_product(
    chain, text, sku
) -> None:
    mentions = catalogue_lookup.catalogue_matcher(_chain(chain)).mentions(text)
    assert [(m.kind, m.key) for m in mentions] == [("product", sku)]


@pytest.mark.parametrize(
    ("chain", "text", "promotion"),
    [
        # A vowel heard as another early in an offer's name: the consonants still agree.
        ("sitara-jewels", "What stores have the Duwali offer?", "festival-offer"),
        ("loonwood-home", "Which stores have the SF event?", "sofa-event"),
    ],
)
def test_an_offer_name_heard_with_another_vowel_is_still_found(chain, text, promotion) -> None:
    mentions = catalogue_lookup.catalogue_matcher(_chain(chain)).mentions(text)
    assert [(m.kind, m.key) for m in mentions] == [("promotion", promotion)]


@pytest.mark.parametrize(
    ("chain", "text"),
    [
        # s-l-f is not s-l-p: "self event" (Sofa Event misheard) is not the Sleep Well event.
        ("loonwood-home", "What changed in the self-event?"),
    ],
)
def test_an_offer_name_heard_with_other_consonants_is_not_guessed(chain, text) -> None:
    mentions = catalogue_lookup.catalogue_matcher(_chain(chain)).mentions(text)
    assert [m for m in mentions if m.kind == "promotion"] == []
