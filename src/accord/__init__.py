"""accord: find common ground between parties and run the process that turns it into an arrangement."""

__version__ = "0.1.0"
