#!/usr/bin/env bash
# Builds the solution and runs every test project; ends with one line "N passed, N failed, N skipped".
# Usage: scripts/test.sh [extra dotnet test args, e.g. --filter Category!=Slow]
set -uo pipefail
cd "$(dirname "$0")/.."
results=.test-results
rm -rf "$results" && mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash scripts/install-test-deps.sh
# Every test project must be in the solution, or the build below would skip it and its tests would not run.
missing=0
for project in $(find tests -name '*.Tests.csproj'); do
  if ! grep -q "$(basename "$project")" ChatStreams.sln; then echo "not in ChatStreams.sln: $project"; missing=1; fi
done
if [ "$missing" -ne 0 ]; then echo "0 passed, 1 failed, 0 skipped"; exit 1; fi
if ! dotnet build ChatStreams.sln -c Release -warnaserror -nologo -v q; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

status=0
# Known vulnerabilities in NuGet packages (direct or transitive) fail the run; an unreachable feed only prints a note.
vulnerable=0
bash scripts/check-vulnerable-packages.sh || { vulnerable=1; status=1; }

for project in $(find tests -name '*.Tests.csproj' | sort); do
  name=$(basename "$project" .csproj)
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build --nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" "$@"; then
    status=1
  fi
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # Skipped tests are in "total" but not in "executed" (the trx "notExecuted" counter stays 0 for them).
  skipped=$((skipped + $(get total) - $(get executed)))
done
# A test host that crashed writes no trx: make sure that still counts as a failure. So does finding no test
# project at all (a checkout without tests/, or the folder gone mid-run): a run that tested nothing is not green.
expected=$(find tests -name '*.Tests.csproj' 2>/dev/null | wc -l)
found=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$expected" -eq 0 ]; then
  echo "no test projects found under tests/"
  failed=$((failed + 1)); status=1
elif [ "$found" -lt "$expected" ]; then
  echo "only $found of $expected test projects reported results"
  failed=$((failed + expected - found)); status=1
fi
failed=$((failed + vulnerable))
# Name the failed tests last, just above the count: the end of a CI log is often all that is kept.
if [ "$failed" -gt 0 ] && command -v python3 >/dev/null; then
  echo "== failed tests"
  python3 scripts/list-failed-tests.py "$results"/*.trx
  [ "$vulnerable" -ne 0 ] && echo "FAILED the vulnerable package check (see scripts/check-vulnerable-packages.sh above)"
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
