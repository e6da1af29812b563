"""Kepatuhan KG: Ombudsman RI compliance assessments, from news to Linked Data.

The pipeline is one direction, one module per stage:
``ingest`` -> ``extract`` (with ``link``) -> ``emit`` -> ``validate`` -> ``store``
-> ``server``; ``build`` runs them in order and ``cli`` is the ``kg`` command.
"""

__version__ = "0.1.0"
