from updater.cli import main

raise SystemExit(main())
