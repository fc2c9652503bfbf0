"""SVG line charts of the history, the snippets that place them on a page, and the check of a
committed SVG against what GitHub shows.

`draw` writes one chart (a theme's file), `place` names the files and writes the `<picture>`
that shows the right one in each theme, and `validate` finds what GitHub would strip or block.
"""
