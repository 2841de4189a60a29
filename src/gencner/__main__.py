from gencner.cli import main

raise SystemExit(main())
