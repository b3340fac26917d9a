#!/usr/bin/env bash
# Writes this folder's ledger.db: ../ledger-v1/make-ledger.sh's four sessions of ../ledger-v2 and a fifth, a run whose
# first attempt dies of CUDA out-of-memory (the outcome ledger version 3 added), run by the build named by $DLL (this
# fixture: main at 76bea9b's code, ledger version 3, the last before early stopping).
# Usage: DLL=src/Actors/bin/Debug/net10.0/asrnn-grid.dll bash make-ledger.sh OUT_FOLDER
exec env FOURTH_SESSION=clear-quarantine FIFTH_SESSION=out-of-memory bash "$(dirname "$0")/../ledger-v1/make-ledger.sh" "$@"
