"""Warm kernels: a template process imports the chapters' libraries once and each kernel is a fork of it.

Two parts, both through documented jupyter_client mechanisms:

- :mod:`.pool` starts the template (:mod:`.template`) and publishes a ``python3`` kernel spec, first on
  ``JUPYTER_PATH``, whose ``metadata.kernel_provisioner`` selects the provisioner below;
- :mod:`.provisioner` is that provisioner (entry point ``ccg-warm-kernel`` in the group
  ``jupyter_client.kernel_provisioners``, declared in ``pyproject.toml``): a ``LocalProvisioner`` that asks
  the template for a kernel instead of starting a new interpreter, and starts one the ordinary way
  if the template is not there.

Only the build entry point (:mod:`ccg_book.build`) starts the pool; a stock ``jupyter-book build`` uses
ordinary kernels, with the same output. ``CCG_WARM_KERNELS=off`` switches the pool off.
"""
