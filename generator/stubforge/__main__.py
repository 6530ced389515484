from stubforge.cli import main

raise SystemExit(main())
