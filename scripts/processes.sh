# Sourced by the scripts that start the projects directly: every process they start goes into PIDS, and all of them
# are stopped (by process id, never by name) when the script exits, with LOGS, a scratch folder for their output.
LOGS="$(mktemp -d)"
PIDS=()

stop_all() {
  for pid in "${PIDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$LOGS"' EXIT
