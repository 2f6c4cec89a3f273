"""Queue and schedule handlers: thin, parse the event, call a use-case, report."""
