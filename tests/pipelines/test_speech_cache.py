from pipelines.speech_cache import RenderedSpeechCache


def test_a_rendered_sentence_is_found_again_by_voice_and_text() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    cache.put("joe@1.0", "Yes,", [b"ab", b"cd"])
    assert cache.get("joe@1.0", "Yes,") == (b"ab", b"cd")
    assert cache.get("joe@0.9", "Yes,") is None
    assert cache.get("joe@1.0", "No,") is None
    stats = cache.stats()
    assert (stats.entries, stats.bytes, stats.hits, stats.misses) == (1, 4, 1, 2)


def test_the_least_recently_used_sentence_is_evicted_beyond_the_budget() -> None:
    cache = RenderedSpeechCache(max_bytes=10)
    cache.put("v", "one", [b"1234"])
    cache.put("v", "two", [b"1234"])
    cache.get("v", "one")
    cache.put("v", "three", [b"1234"])
    assert cache.get("v", "two") is None
    assert cache.get("v", "one") is not None
    assert cache.get("v", "three") is not None
    assert cache.stats().bytes <= 10


def test_audio_larger_than_the_whole_budget_is_not_kept() -> None:
    cache = RenderedSpeechCache(max_bytes=4)
    cache.put("v", "long", [b"123456"])
    assert cache.get("v", "long") is None
    assert cache.stats().bytes == 0


def test_rendering_the_same_text_again_replaces_it() -> None:
    cache = RenderedSpeechCache(max_bytes=100)
    cache.put("v", "a", [b"12"])
    cache.put("v", "a", [b"1234"])
    assert cache.get("v", "a") == (b"1234",)
    assert cache.stats().bytes == 4


def test_a_claimed_text_is_rendered_by_its_claimer_only_and_then_found() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe", "Hello.")
    assert not cache.claim("joe", "Hello.")  # one renderer at a time; others wait
    assert cache.is_claimed("joe", "Hello.")
    cache.put("joe", "Hello.", [b"ab", b"cd"])
    cache.release("joe", "Hello.")
    assert not cache.is_claimed("joe", "Hello.")
    assert cache.get("joe", "Hello.") == (b"ab", b"cd")
    assert not cache.claim("joe", "Hello.")  # held now: nothing to render


def test_a_claim_given_up_leaves_the_text_to_the_next_renderer() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe", "Hello.")
    cache.release("joe", "Hello.")  # the render was cancelled: nothing was put
    assert cache.get("joe", "Hello.") is None
    assert cache.claim("joe", "Hello.")


def test_a_cleared_cache_holds_nothing_but_keeps_the_claims_in_progress() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    cache.put("joe", "Hello.", [b"ab"])
    assert cache.claim("joe", "Bye.")
    cache.clear()
    assert cache.get("joe", "Hello.") is None
    assert cache.stats().bytes == 0
    assert cache.is_claimed("joe", "Bye.")  # its renderer still puts and releases it
