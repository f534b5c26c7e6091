"""The ``voice-agent`` command line: one module per command group, assembled in ``app``.

``main`` is imported lazily so that importing a helper module such as ``common`` does not
assemble the whole CLI (which imports every command module, some of which import ``common``).
"""


def main() -> None:
    """Entry point of the ``voice-agent`` script."""
    from voice_agent.cli.app import main as run

    run()
