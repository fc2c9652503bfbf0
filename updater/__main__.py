from updater.cli import entry

raise SystemExit(entry())
