"""kbtui: read, search and walk an offline organising knowledge base in the terminal."""

__version__ = "0.1.0"
