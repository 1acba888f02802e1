#!/bin/sh
# Runs one scheduled job's container: run-job CONTAINER TIMEOUT_SECONDS RETRIES
#
# Started by busybox crond in the job's scheduler container (components/docker/schedule.py). The job container
# exists already, created by the stack with its wiring, and stopped; `docker start -a` runs it and returns its exit
# code. A run still going after TIMEOUT_SECONDS is stopped and counts as failed. A failed run is retried up to
# RETRIES times, a minute apart and doubling (as on AWS). A run that finds the previous one still going is skipped.
set -u
container=$1
timeout_seconds=$2
retries=$3
delay=${RETRY_DELAY_SECONDS:-60}

exec 9>"/tmp/$container.lock"
if ! flock -n 9; then
    echo "$container: the previous run is still going; this one is skipped" >&2
    exit 0
fi

attempt=0
while :; do
    attempt=$((attempt + 1))
    timeout "$timeout_seconds" docker start -a "$container"
    code=$?
    if [ "$code" -eq 0 ]; then
        echo "$container: succeeded on attempt $attempt" >&2
        exit 0
    fi
    # `timeout` ends the client, not the container: stop the run itself.
    docker stop -t 10 "$container" >/dev/null 2>&1
    if [ "$attempt" -gt "$retries" ]; then
        echo "$container: failed after $attempt attempt(s), last exit code $code" >&2
        exit "$code"
    fi
    echo "$container: attempt $attempt failed with exit code $code; retrying in ${delay}s" >&2
    sleep "$delay"
    delay=$((delay * 2))
done
