"""How a spoken turn flows: our Pipecat frame processors, service adapters and pipeline builders."""
