#!/usr/bin/env bash
# Build the one-folder RiskDesk app with .venv's PyInstaller: build/ and dist/ (git-ignored).
# Compiles the translations first, then prints the build time and the size of dist/RiskDesk.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
start=$(date +%s)
echo "== translations"
"$VENV/bin/python" -m desktop.i18n_check  # one entry per message, all translated
for ts in resources/i18n/riskdesk*_zh_CN.ts; do
  "$VENV/bin/pyside6-lrelease" "$ts" -qm "${ts%.ts}.qm"
done
echo "== pyinstaller"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/riskdesk.spec
end=$(date +%s)
echo "== done"
echo "build time: $((end - start)) s"
echo "size of dist/RiskDesk: $(du -sh dist/RiskDesk | cut -f1)"
echo "run: dist/RiskDesk/RiskDesk --db sqlite:///FILE gui"
