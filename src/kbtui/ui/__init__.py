"""The Textual app. Only this package (and ``kbtui.cli.launch``) imports Textual."""
