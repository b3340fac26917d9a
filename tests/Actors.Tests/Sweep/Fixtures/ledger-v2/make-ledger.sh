#!/usr/bin/env bash
# Writes this folder's ledger.db: ../ledger-v1/make-ledger.sh's three sessions and a fourth, `--clear-quarantine`
# (an event ledger version 2 added), run by the build named by $DLL (this fixture: main at 0274dd8's code, ledger
# version 2, the last before out-of-memory outcomes).
# Usage: DLL=src/Actors/bin/Debug/net10.0/asrnn-grid.dll bash make-ledger.sh OUT_FOLDER
exec env FOURTH_SESSION=clear-quarantine bash "$(dirname "$0")/../ledger-v1/make-ledger.sh" "$@"
