"""The document renderer behind `bcp build` (PDF through weasyprint, HTML through jinja2).

Only the build command imports this package: `bcp validate` must stay light.
"""
