"""Render: the corpus -> HTML pages (Jinja2), charts (Vega-Lite), official tables."""
