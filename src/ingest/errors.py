"""Exceptions the package raises for problems a user can fix.

The CLI turns any IngestError into a one-line message and a non-zero exit; anything else is a bug.
"""


class IngestError(Exception):
    """A problem with the user's input, configuration or environment, explained in one line."""


class ConfigError(IngestError):
    """A sources file or option is invalid."""


class InputError(IngestError):
    """A document given to the extractor cannot be read as text."""


class WarehouseBusyError(IngestError):
    """Another process holds the warehouse's write lock."""
