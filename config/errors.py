"""The one exception every bad configuration turns into."""


class ConfigError(Exception):
    """A configuration file or setting is unusable.

    The message names the file and the field so an operator can fix it without a traceback;
    the CLI prints it and exits with status 2.
    """

    def __init__(self, source: str, field: str | None, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        where = f"{source}: {field}" if field else source
        super().__init__(f"config error in {where}: {problem}")
