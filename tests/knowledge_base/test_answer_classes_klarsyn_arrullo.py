"""Classes of answers found missing on Klarsyn Optik and Arrullo Baby, each shown as a rule.

Both chains became development chains after they were measured unseen. Each rule here is
one class of behaviour that must hold on any chain, shown on a development chain and again
on a second chain: another sample chain, or a copy of Kotwica DIY given the names that show
the class (an alias that starts with "the", a Chinese name that starts with the chain's
brand).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT, SAMPLES, ask_at

from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

KLARSYN = ("klarsyn", "GBG-01", "2027-02-10T11:00")
"""Wednesday 10 February 2027 at Göteborg Avenyn: Frame Fest is on; its Titanium Weekend
(the Nord Titanium Frame 30 percent off) is Friday 12 to Sunday 14 February."""
ARRULLO = ("arrullo", "CDMX-01", "2027-03-11T11:00")
"""Thursday 11 March 2027 at Ciudad de México Polanco: the Spring Clothing Sale is on
(pajamas 20 percent off); its Pijama Weekend (30 percent) is Saturday 13 and Sunday 14
March. The Winter Toy Clearance ended on Sunday 28 February."""
KOTWICA = ("kotwica", "POZ-01", "2026-10-22T11:00")
"""Thursday 22 October 2026 at Poznań Wilda: the Autumn Renovation is on; its Wallpaper
Weekend (wallpaper 40 percent off) is Friday 23 to Sunday 25 October."""
QUADERNO = ("quaderno", "MI-01", "2027-09-09T11:00")
"""Thursday 9 September 2027 at Milano Brera: Back to School is on; its Calculator Weekend
is Saturday 11 and Sunday 12 September."""
LOONWOOD = ("loonwood", "TOR-01", "2027-01-21T11:00")
"""Thursday 21 January 2027 at Toronto Queen West; its "Duvet Sale" is a draft."""
TIMBERPAW = ("timberpaw", "TOR-01", "2026-03-06T10:30")
"""Friday 6 March 2026 at Timberpaw's Toronto store: the Treat Stack 3 for 2 runs until
Saturday 28 March."""
DEFAULT = ("default", "SH-01", "2026-11-28T15:00")
"""Saturday 28 November 2026 at Shanghai Nanjing Road: the Autumn Clearance ended on
Saturday 31 October."""


def _kotwica_copy(tmp_path: Path) -> Path:
    """Kotwica with an alias starting "the" on each wallpaper, and its brand in a Chinese name.

    "the Starry" and "starry wallpaper" (the Starry Kids Wallpaper), "the wallpaper" (the
    Linen Fleece Wallpaper), and the chain's own word in the white paint's Chinese name.
    """
    kb = tmp_path / "kotwica-diy"
    shutil.copytree(SAMPLES / "kotwica-diy", kb)
    catalogue = kb / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    replacements = {
        "aliases: [kids wallpaper, star wallpaper, Starry]": (
            "aliases: [kids wallpaper, star wallpaper, Starry, the Starry, starry wallpaper]"
        ),
        "aliases: [fleece wallpaper, linen wallpaper]": (
            "aliases: [fleece wallpaper, linen wallpaper, the wallpaper]"
        ),
    }
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    catalogue.write_text(text, encoding="utf-8")
    return kb


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GroundedAnswerer]:
    paths = {
        "klarsyn": SAMPLES / "klarsyn-optik",
        "arrullo": SAMPLES / "arrullo-baby",
        "kotwica": SAMPLES / "kotwica-diy",
        "kotwica-copy": _kotwica_copy(tmp_path_factory.mktemp("names")),
        "quaderno": SAMPLES / "quaderno-stationery",
        "default": SAMPLES.parent / "data",
        "loonwood": SAMPLES / "loonwood-home",
        "timberpaw": SAMPLES / "timberpaw-pets",
        "andina": SAMPLES / "andina-pharmacy",
        "northbound": SAMPLES / "northbound-sports",
        "cairnfell": SAMPLES / "cairnfell-outdoor",
    }
    return {
        chain: GroundedAnswerer(
            knowledge=load_knowledge_base(path), default_contact=DEFAULT_CONTACT
        )
        for chain, path in paths.items()
    }


def _asked(chains: dict[str, GroundedAnswerer], where: tuple[str, str, str], text: str) -> str:
    chain, store, at = where
    return ask_at(chains[chain], text, store, at).text


KOTWICA_COPY = ("kotwica-copy", *KOTWICA[1:])


# --- a name that ends in its category word is one item, not two ----------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (KLARSYN, "how much are the polar sunglasses", "The Polar Sunglasses is 900 Swedish"),
        (KLARSYN, "whats the polar sunglasses going for", "The Polar Sunglasses is 900 Swedish"),
        (KOTWICA_COPY, "how much is the starry wallpaper", "The Starry Kids Wallpaper is 89"),
    ],
)
def test_an_alias_with_the_gives_way_to_the_name_said_after_it(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # "the Polar" is an alias, "polar sunglasses" a name: the clerk said one item, and a
    # total of two ("1 Polar Sunglasses and 1 Fjell Sport Sunglasses come to ...") is wrong.
    answer = _asked(chains, where, text)
    assert answer.startswith(said), answer
    assert " come to " not in answer


@pytest.mark.parametrize(
    ("where", "text", "other"),
    [
        (KLARSYN, "why only two pairs of sunglasses", "Fjell"),
        (KOTWICA, "why only two wallpapers", "Fleece"),
    ],
)
def test_a_word_that_ends_several_products_is_none_of_them(
    where: tuple[str, str, str], text: str, other: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # "sunglasses" ends the Polar and the Fjell Sport Sunglasses: it is not heard loosely as
    # "sport sunglasses", one of them, and priced twice.
    answer = _asked(chains, where, text)
    assert other not in answer, answer


# --- a chain's brand in a product's Chinese name is not that product -----------------------------


def test_the_brand_of_a_chinese_name_is_not_the_product(
    chains: dict[str, GroundedAnswerer],
) -> None:
    # "Klarsyn老花镜" (the Klarsyn Reading Glasses) sounds, without its Chinese, like the
    # "Klarsyn" of Klarsyn Plus: the membership's price on the solution is asked.
    answer = _asked(chains, KLARSYN, "klarsyn plus price on the lens solution")
    assert answer.startswith("For a member, the All-in-One Lens Solution 360 ml is 116.10")
    assert "Reading Glasses" not in answer
    free = _asked(chains, KLARSYN, "is it free to join klarsyn plus")
    assert "Reading Glasses" not in free


def test_the_brand_of_a_chinese_name_is_not_the_product_elsewhere(tmp_path: Path) -> None:
    kb = _kotwica_copy(tmp_path)
    catalogue = kb / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    assert "zh-CN: 星空儿童墙纸" in text
    catalogue.write_text(text.replace("zh-CN: 星空儿童墙纸", "zh-CN: Kotwica墙纸"))
    answerer = GroundedAnswerer(knowledge=load_knowledge_base(kb), default_contact=DEFAULT_CONTACT)
    for text in (
        "what does a kotwica member pay for the white paint",
        "kotwica price on the white paint",
    ):
        answer = ask_at(answerer, text, *KOTWICA[1:])
        assert "Starry" not in answer.text, answer.text


# --- a part of an offer named by its own name ----------------------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (KLARSYN, "when does titanium weekend end", "ends on Sunday 14 February"),
        (KOTWICA, "wallpaper weekend until when", "ends on Sunday 25 October"),
        (QUADERNO, "when does calculator weekend end", "ends on Sunday 12 September"),
    ],
)
def test_a_named_part_to_come_says_its_own_end(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    answer = _asked(chains, where, text)
    assert said in answer, answer


@pytest.mark.parametrize(
    ("where", "at", "text", "said"),
    [
        (
            KLARSYN,
            "2027-02-13T11:00",
            "when does titanium weekend end",
            "Titanium Weekend in the Frame Fest ends on Sunday 14 February.",
        ),
        (
            KOTWICA,
            "2026-10-24T11:00",
            "when does the wallpaper weekend end",
            "Wallpaper Weekend in the Autumn Renovation ends on Sunday 25 October.",
        ),
    ],
)
def test_a_named_part_on_now_says_its_own_end_not_the_offers(
    where: tuple[str, str, str],
    at: str,
    text: str,
    said: str,
    chains: dict[str, GroundedAnswerer],
) -> None:
    chain, store, _ = where
    assert ask_at(chains[chain], text, store, at).text == said


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (
            ARRULLO,
            "is the pijama weekend on",
            "Not yet: the Pijama Weekend in the Spring Clothing Sale starts on Saturday 13 March"
            " and ends on Sunday 14 March. From then, pajamas are 30 percent off.",
        ),
        (
            KOTWICA,
            "is the wallpaper weekend on",
            "Not yet: the Wallpaper Weekend in the Autumn Renovation starts on Friday 23"
            " October and ends on Sunday 25 October. From then, wallpaper is 40 percent off.",
        ),
    ],
)
def test_a_named_part_asked_if_on_gives_its_own_terms(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    """Asked before it starts: not yet (a question about now), with the part's days and terms."""
    assert _asked(chains, where, text) == said


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (KLARSYN, "whats the titanium weekend", "30 percent off"),
        (KLARSYN, "nord titanium price on the titanium weekend", "1820 Swedish kronor"),
        (KOTWICA_COPY, "when does the wallpaper weekend start", "Wallpaper Weekend in the"),
    ],
)
def test_an_alias_with_the_gives_way_to_a_part_named_after_it(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # "the titanium" (an alias of the Nord) is no item in "the titanium weekend".
    answer = _asked(chains, where, text)
    assert said in answer, answer


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (
            ARRULLO,
            "Are pajamas 30 percent off yet?",
            "Not yet: pajamas are 20 percent off in the Spring Clothing Sale right now."
            " They are 30 percent off from Saturday 13 March.",
        ),
        (QUADERNO, "are calculators 25 percent off yet", "Not yet: calculators are 25 percent"),
    ],
)
def test_a_category_stated_at_a_later_parts_figure_is_not_yet(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    answer = _asked(chains, where, text)
    assert answer.startswith(said), answer


# --- a question word is no place ----------------------------------------------------------------


def test_a_cue_word_is_not_heard_as_a_store(chains: dict[str, GroundedAnswerer]) -> None:
    # "start" is as near "Strøget" (København Strøget) as a place word needs; it asks when.
    answer = _asked(chains, KLARSYN, "when does the titanium weekend start")
    assert "København" not in answer and answer.startswith("Titanium Weekend"), answer


# --- an ended offer asked about by name or with "still": what the item costs now -----------------


@pytest.mark.parametrize(
    ("where", "store", "text", "said"),
    [
        (
            ARRULLO,
            "SD-01",
            "xylophone still on clearance",
            "No, the Winter Toy Clearance ended on Sunday 28 February."
            " The Xilófono Wooden Xylophone is 21.50 US dollars now.",
        ),
        (
            DEFAULT,
            "SH-01",
            "is the HD-220 still on clearance",
            "No, the Autumn Clearance ended on Saturday 31 October. The HD-220 is 399 yuan now.",
        ),
    ],
)
def test_an_ended_offer_asked_with_an_item_gives_its_price_now(
    where: tuple[str, str, str],
    store: str,
    text: str,
    said: str,
    chains: dict[str, GroundedAnswerer],
) -> None:
    chain, _, at = where
    assert ask_at(chains[chain], text, store, at).text == said


# --- a draft named with a category word inside its name ----------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "other"),
    [
        (ARRULLO, "the easter toy offer when does it start", "Winter Toy Clearance"),
        (LOONWOOD, "is the duvet sale coming in march", "bedding"),
        (KOTWICA, "when does the ladders sale start", "Black Week"),
    ],
)
def test_a_draft_named_with_its_category_word_is_not_answered(
    where: tuple[str, str, str], text: str, other: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # "easter toy offer" is the draft "Easter Toys" (an alias, one word's plural aside), not
    # a question about toys: the ended toy clearance is another promotion.
    answer = _asked(chains, where, text)
    assert answer.startswith("I don't know that one"), answer
    assert other not in answer


# --- the one store left out is what "which stores are left out" is about ------------------------


@pytest.mark.parametrize(
    ("where", "text", "store", "name"),
    [
        (ARRULLO, "Which stores are left out of the spring clothing sale?", "PUE-01", "Puebla"),
        (QUADERNO, "which stores are left out of back to school", "NA-01", "Napoli Chiaia"),
    ],
)
def test_the_one_store_left_out_is_the_store_answered_about(
    where: tuple[str, str, str],
    text: str,
    store: str,
    name: str,
    chains: dict[str, GroundedAnswerer],
) -> None:
    chain, asked_at, at = where
    answer = ask_at(chains[chain], text, asked_at, at)
    assert name in answer.text and answer.detail["store_id"] == store, answer.text


# --- "is it still on <day>?" is answered for that day --------------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (
            ARRULLO,
            "Is the car seat offer still on next Thursday?",
            "Yes, on Thursday 18 March, the Car Seat Safety Month is still on."
            " It ends at 18:00 on Wednesday 31 March.",
        ),
        (
            TIMBERPAW,
            "Is the treat deal still on on the 25th?",
            "Yes, on Wednesday 25 March, the Treat Stack 3 for 2 is still on."
            " It ends on Saturday 28 March.",
        ),
    ],
)
def test_still_on_a_named_day_is_a_yes_for_that_day(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    assert _asked(chains, where, text) == said


# --- the price of a category of one product no offer covers is that product's price -------------


@pytest.mark.parametrize(
    ("where", "store", "text", "said"),
    [
        (KLARSYN, "OSL-01", "eye exam price", "The Eye Test is 550 Norwegian kroner."),
        (KOTWICA, "POZ-01", "ladder price", "The LD-ALU3 is 399 zlotys."),
    ],
)
def test_the_price_of_a_one_product_category_without_offers_is_its_price(
    where: tuple[str, str, str],
    store: str,
    text: str,
    said: str,
    chains: dict[str, GroundedAnswerer],
) -> None:
    # "No, eye tests are not on offer" answers no price: the chain sells one eye test.
    chain, _, at = where
    answer = ask_at(chains[chain], text, store, at).text
    assert answer.startswith(said), answer


# --- the last word of the membership's own name, before "price", is the member price ------------


@pytest.mark.parametrize(
    ("chain", "store", "at", "text", "said"),
    [
        (
            "klarsyn",
            "OSL-01",
            "2027-02-10T11:00",
            "plus price on the eye drops",
            "For a member, the Comfort Eye Drops is 98.10 Norwegian kroner",
        ),
        (
            "andina",
            "LIM-01",
            "2026-12-10T15:00",
            "andina price for the kids sunscreen",
            "For a member, the Solar Shield Kids is 38.43 soles",
        ),
    ],
)
def test_the_memberships_last_word_before_price_asks_the_member_price(
    chain: str, store: str, at: str, text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # "Klarsyn Plus" members: "plus price" is theirs, as "club price" is a Club's.
    answer = ask_at(chains[chain], text, store, at).text
    assert answer.startswith(said), answer


# --- "pay in euros" names a currency, not a place not heard --------------------------------------


@pytest.mark.parametrize(
    ("where", "text"),
    [(KLARSYN, "can customers pay in euros"), (KOTWICA, "can they pay in dollars")],
)
def test_paying_in_a_currency_is_no_store_asked_back(
    where: tuple[str, str, str], text: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # The chain says nothing on foreign currency: who to ask, not "Which store do you mean?".
    answer = _asked(chains, where, text)
    assert answer.startswith("I don't know that one; please ask the Promotions Office"), answer


# --- "how many X can a member buy" asks the limit -------------------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (
            ARRULLO,
            "how many diaper packs can a member buy at the club price",
            "There is no limit per customer in the Arrullo Club Days.",
        ),
        (
            KOTWICA,
            "how many paint tins can a member buy in the autumn renovation",
            "There is no limit per customer in the Autumn Renovation.",
        ),
    ],
)
def test_how_many_a_member_can_buy_is_the_limit(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    assert _asked(chains, where, text) == said


# --- joining the membership is answered by the FAQ on joining -----------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (KLARSYN, "is it free to join klarsyn plus", "Yes, Klarsyn Plus is free to join"),
        (
            ARRULLO,
            "if they sign up for the club at the register do they get the price same day",
            "Yes, Arrullo Club is free to join at the till",
        ),
        (
            ("northbound", "TOR-01", "2026-10-31T14:00"),
            "Can someone join Rewards at the till and still get the 15 percent?",
            "Yes, joining Northbound Rewards is free at the till",
        ),
        (QUADERNO, "can a customer sign up for the club at the till", "Yes, the Quaderno Club"),
    ],
)
def test_joining_the_membership_gets_the_faq_on_joining(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    # The FAQ is worded "Can a customer join X at the till?": found by what it is about.
    answer = _asked(chains, where, text)
    assert answer.startswith(said), answer


# --- an ended offer on a category of one product: that product's price now ---------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (
            KLARSYN,
            "are readers still 30 percent off",
            "No, reading glasses have no offer right now; the January Readers Sale ended on"
            " Sunday 31 January. The Klarsyn Reading Glasses is 249 Swedish kronor now.",
        ),
        (
            ("cairnfell", "KES-01", "2026-10-22T10:30"),
            "are stoves and cookware still on offer",
            "No, stoves and cookware have no offer right now; the Camp Kitchen Clearout ended"
            " on Sunday 11 October. The Firebrand Gas Stove is 45 pounds now.",
        ),
    ],
)
def test_an_ended_offer_on_a_one_product_category_gives_its_price_now(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    assert _asked(chains, where, text) == said
