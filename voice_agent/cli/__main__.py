"""``python -m voice_agent.cli``."""

from voice_agent.cli import main

main()
