"""Where the fixture sources and the generated audio live in the repository."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures"
AUDIO_DIR = FIXTURES_DIR / "audio"
QUESTIONS_FILE = FIXTURES_DIR / "questions.yaml"
CHAINS_DIR = FIXTURES_DIR / "chains"
FEEDBACK_DIR = FIXTURES_DIR / "feedback"
FEEDBACK_FILE = FEEDBACK_DIR / "dev.yaml"
FEEDBACK_AUDIO_DIR = FEEDBACK_DIR / "audio"
FEEDBACK_ZH_FILE = FEEDBACK_DIR / "heldout2.yaml"
FEEDBACK_ZH_DIR = FEEDBACK_DIR / "audio_zh"
FEEDBACK3_FILE = FEEDBACK_DIR / "heldout3.yaml"
FEEDBACK3_DIR = FEEDBACK_DIR / "audio3"
FEEDBACK4_FILE = FEEDBACK_DIR / "heldout4.yaml"
FEEDBACK4_DIR = FEEDBACK_DIR / "audio4"
FEEDBACK5_FILE = FEEDBACK_DIR / "heldout5.yaml"
FEEDBACK5_DIR = FEEDBACK_DIR / "audio5"
REPLIES_ZH_DIR = FIXTURES_DIR / "replies_zh"
