#!/usr/bin/env bash
# `npm test`: type-check, lint (`npm run lint`: ESLint, then Prettier --check), then every jest suite against
# the real servers. When MONGODB_URI, REDIS_URL or FERRETDB_BIN is missing, the servers are started here
# (scripts/dev-services.sh: FerretDB built once into ~/.cache, Redis reused when one answers on 6379) and
# stopped afterwards, so the real-adapter suites run on every machine instead of being skipped. .ci/run
# starts them itself and exports all three.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
npm run --silent lint
if [ -z "${MONGODB_URI:-}" ] || [ -z "${REDIS_URL:-}" ] || [ -z "${FERRETDB_BIN:-}" ]; then
  trap 'scripts/dev-services.sh stop' EXIT
  eval "$(scripts/dev-services.sh start)"
  export MONGODB_URI REDIS_URL FERRETDB_BIN
fi
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
