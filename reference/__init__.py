"""A reference implementation of the generated server: in memory, for tests and ``make serve``."""
