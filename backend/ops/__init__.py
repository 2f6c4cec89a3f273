"""``nagorik``: the operations command (users, and each capability's own subcommands)."""
