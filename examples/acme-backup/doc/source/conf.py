"""Sphinx configuration of acme-backup's documentation."""

project = 'acme-backup'
extensions = ['tidings.sphinxext']
# the samples `tidings samples generate` writes (see [tool.tidings])
tidings_samples_dir = 'samples'
exclude_patterns = ['samples']
