"""Sphinx configuration of the tidings notification reference (api-ref)."""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join('..', '..')))

project = 'tidings notification reference'
copyright = '2026, the tidings authors'

extensions = [
    'openstackdocstheme',
    'os_api_ref',
    'tidings.sphinxext',
]

# The same committed samples as the documentation.
tidings_samples_dir = os.path.join('..', '..', 'samples')

master_doc = 'index'
pygments_style = 'sphinx'
html_theme = 'openstackdocs'
html_theme_options = {
    'sidebar_mode': 'toc',
}
openstackdocs_repo_name = 'tidings/tidings'
openstackdocs_auto_name = False
openstackdocs_use_storyboard = False
html_static_path = []
