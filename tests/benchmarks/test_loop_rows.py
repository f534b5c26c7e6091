from voice_agent.benchmarks.loop import replay_row
from voice_agent.replay_timings import TurnReport


def test_a_replay_row_says_what_was_heard_and_when_each_stage_ended() -> None:
    turn = TurnReport(
        transcript="Our running shoes on sale this weekend,",
        speech_end=2.0,
        vad_stop=2.25,
        stt_done=2.4,
        answer_ready=3.6,
        first_audio=3.65,
        voice_to_voice_secs=1.65,
        stt_secs=0.13,
    )

    row = replay_row("questions/q016.wav", [turn])

    assert row == {
        "path": "questions/q016.wav",
        "turns": [
            {
                "transcript": "Our running shoes on sale this weekend,",
                "voice_to_voice_secs": 1.65,
                "stt_secs": 0.13,
                "answer_wait_secs": 1.2,
                "after_speech_end_secs": {
                    "vad_stop": 0.25,
                    "stt_done": 0.4,
                    "answer_ready": 1.6,
                    "first_audio": 1.65,
                },
            }
        ],
    }


def test_a_turn_never_answered_has_no_answer_wait() -> None:
    row = replay_row("loop/x.wav", [TurnReport(transcript="Hey")])

    assert row["turns"][0]["answer_wait_secs"] is None
