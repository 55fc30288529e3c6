"""The error of results that cannot be read or plotted, apart from the plotting code so that
the command line can name it without importing matplotlib."""


class ReportError(ValueError):
    """Results that cannot be read or plotted; the message names the path or option."""
