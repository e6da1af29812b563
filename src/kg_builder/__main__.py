"""``python -m kg_builder`` is the same as the ``kg`` command."""

from kg_builder.cli import main

raise SystemExit(main())
