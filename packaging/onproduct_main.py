"""The packaged program's entry point: the same `main` as `python -m onproduct`."""

from onproduct.app import main

raise SystemExit(main())
