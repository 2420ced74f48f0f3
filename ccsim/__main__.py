"""``python -m ccsim``: the same as the ``ccsim`` console script."""

from ccsim.cli import main

raise SystemExit(main())
