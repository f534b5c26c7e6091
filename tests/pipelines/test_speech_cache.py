from concurrent.futures import ThreadPoolExecutor

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


def test_a_sentence_is_claimed_for_rendering_once_until_released() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe@1.0", "Yes,")
    assert cache.rendering("joe@1.0", "Yes,")
    assert not cache.claim("joe@1.0", "Yes,")  # a second render would be wasted work
    cache.release("joe@1.0", "Yes,", [b"ab"])
    assert not cache.rendering("joe@1.0", "Yes,")
    assert not cache.claim("joe@1.0", "Yes,")  # held now
    assert cache.get("joe@1.0", "Yes,") == (b"ab",)


def test_a_render_that_did_not_complete_keeps_nothing_and_frees_the_claim() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe@1.0", "No,")
    cache.release("joe@1.0", "No,", None)
    assert cache.get("joe@1.0", "No,") is None
    assert cache.claim("joe@1.0", "No,")


def test_a_waiter_gets_the_audio_of_the_render_under_way_when_it_ends() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe@1.0", "Yes,")
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(cache.wait_rendered, "joe@1.0", "Yes,", 30.0)
        assert not waiting.done()
        cache.release("joe@1.0", "Yes,", [b"ab", b"cd"])
        assert waiting.result(timeout=30) == (b"ab", b"cd")


def test_waiting_gives_up_after_its_timeout_with_nothing() -> None:
    cache = RenderedSpeechCache(max_bytes=1000)
    assert cache.claim("joe@1.0", "Yes,")
    assert cache.wait_rendered("joe@1.0", "Yes,", 0.01) is None
