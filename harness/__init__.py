"""Harnesses around the bot, not part of it: the scripted agent (``harness.agent``), the embedded
Synapse homeserver (``harness.homeserver``) and the ``plume demo`` script (``harness.demo``).

Used by ``plume demo``, the tests and ``bench/``; shipped in the package because ``plume demo``
runs from an installed Plume.
"""
