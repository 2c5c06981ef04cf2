"""The ``upstream places`` subcommands: each module here is one (see upstream.core.commands)."""
