"""Sphinx configuration of the tidings documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join('..', '..')))

project = 'tidings'
copyright = '2026, the tidings authors'
author = 'the tidings authors'

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.graphviz',
    'oslo_config.sphinxext',
    'tidings.sphinxext',
]

# tidings.sphinxext: committed samples, and one generated page per
# installed catalog under reference/catalogs/ (git-ignored).
tidings_samples_dir = os.path.join('..', '..', 'samples')
tidings_catalog_pages = os.path.join('reference', 'catalogs')

master_doc = 'index'
exclude_patterns = []
pygments_style = 'sphinx'
graphviz_output_format = 'svg'
autodoc_member_order = 'bysource'

html_theme = 'alabaster'
html_theme_options = {
    'description': 'Versioned, documented, reliable notifications',
    'fixed_sidebar': True,
}
html_static_path = []
html_title = 'tidings'
