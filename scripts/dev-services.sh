#!/usr/bin/env bash
# Starts the real servers the tests and a production-like `npm start` use (DESIGN §4), only what is missing:
#   - FerretDB v1.24 (MongoDB wire protocol, SQLite backend in a temp dir) on a free loopback port
#   - Redis on 127.0.0.1:6379 if nothing answers there (else the running one is reused)
# Usage:
#   eval "$(scripts/dev-services.sh start)"   # prints `export MONGODB_URI=… REDIS_URL=…`
#   scripts/dev-services.sh stop              # stops only what `start` started
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="$ROOT/.data/services"
mkdir -p "$STATE"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

wait_port() { # host port seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start() {
  local ferret port dir redis_url
  ferret="$("$ROOT/scripts/build-ferretdb.sh")"
  port="$(free_port)"
  dir="$(mktemp -d /tmp/iamgw-ferretdb.XXXXXX)"
  "$ferret" --handler=sqlite --sqlite-url="file:$dir/" --listen-addr="127.0.0.1:$port" \
    --telemetry=disable --log-level=error --debug-addr=- --state-dir="$dir" >"$STATE/ferretdb.log" 2>&1 &
  echo "$!" >"$STATE/ferretdb.pid"
  echo "$dir" >"$STATE/ferretdb.dir"
  wait_port 127.0.0.1 "$port" 20 || { echo "dev-services: FerretDB did not start; see $STATE/ferretdb.log" >&2; cat "$STATE/ferretdb.log" >&2; exit 1; }
  echo "dev-services: FerretDB $($ferret --version | head -1) on 127.0.0.1:$port" >&2

  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis_url="redis://127.0.0.1:6379"
    echo "dev-services: reusing Redis on 127.0.0.1:6379" >&2
  else
    command -v redis-server >/dev/null || { echo "dev-services: redis-server not installed (apt-get install -y redis-server)" >&2; exit 1; }
    local rport; rport="$(free_port)"
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$STATE" --logfile "$STATE/redis.log" --daemonize yes --pidfile "$STATE/redis.pid"
    wait_port 127.0.0.1 "$rport" 10 || { echo "dev-services: Redis did not start; see $STATE/redis.log" >&2; exit 1; }
    redis_url="redis://127.0.0.1:$rport"
    echo "dev-services: started Redis on 127.0.0.1:$rport" >&2
  fi
  echo "export MONGODB_URI=mongodb://127.0.0.1:$port/iamgw"
  echo "export FERRETDB_BIN=$ferret"
  echo "export REDIS_URL=$redis_url"
}

stop() {
  for svc in ferretdb redis; do
    if [ -f "$STATE/$svc.pid" ]; then kill "$(cat "$STATE/$svc.pid")" 2>/dev/null || true; rm -f "$STATE/$svc.pid"; fi
  done
  if [ -f "$STATE/ferretdb.dir" ]; then rm -rf "$(cat "$STATE/ferretdb.dir")"; rm -f "$STATE/ferretdb.dir"; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
