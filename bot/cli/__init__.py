"""The `hotline` command. Each module in this package that defines `register(subparsers)`
adds its own subcommands, so areas grow their CLI without touching a shared file."""
