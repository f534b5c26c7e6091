from knowledge_base.retrieval import Retriever, search_terms, stt_hints


def test_search_terms_drop_stopwords_and_stem_lightly() -> None:
    assert search_terms("Can it be combined with a coupon?") == ["combin", "coupon"]
    assert "优惠券" not in search_terms("优惠券")  # CJK: characters and pairs
    assert "优惠" in search_terms("优惠券")


def test_faqs_are_found_by_their_wording(knowledge) -> None:
    retriever = Retriever.build(knowledge)
    hits = retriever.search("can the customer use a coupon with it", kinds=frozenset({"faq"}))
    assert hits[0].passage.promotion_id == "weekend-running"
    assert hits[0].passage.index == 0
    hits = retriever.search("顾客问可以用优惠券吗", kinds=frozenset({"faq"}))
    assert hits[0].passage.promotion_id == "weekend-running"


def test_search_can_be_limited_to_one_promotion(knowledge) -> None:
    retriever = Retriever.build(knowledge)
    hits = retriever.search("mix different socks", promotion_ids=frozenset({"winter-boots"}))
    assert all(hit.passage.promotion_id == "winter-boots" for hit in hits)


def test_drafts_are_not_indexed(knowledge) -> None:
    retriever = Retriever.build(knowledge)
    assert all(p.promotion_id != "new-year-preview" for p in retriever.passages)


def test_stt_hints_hold_product_names_codes_and_published_titles(knowledge) -> None:
    hints = stt_hints(knowledge)
    for expected in (
        "AX-200",
        "Aero X 200",
        "SK-WOOL",
        "Wool Hiking Socks",
        "Weekend Running Offer",
    ):
        assert expected in hints
    assert "New Year Preview" not in hints  # draft
    assert "Autumn Clearance" not in hints  # retired
    assert len(hints) == len(set(hints))
