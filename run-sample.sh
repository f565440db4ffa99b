#!/usr/bin/env bash
# Builds and starts the Spring Boot sample (samples/spring-boot-app, on port 8081) behind the
# local IAP emulator (emulator/, on port 8080), then prints what to open. Ctrl-C stops both.
# Needs only a JDK 17+ (java on the PATH or JAVA_HOME); Maven comes through ./mvnw.
# RUN_SAMPLE_SKIP_BUILD=1 starts the jars already built instead of building them first (the
# script's own test, RunSampleScriptIT, runs inside the build that has just made them).
set -euo pipefail
cd "$(dirname "$0")"

EMULATOR_PORT=8080
APP_PORT=8081
LOGS=samples/spring-boot-app/target/run-sample
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

port_taken() { # true when something accepts connections on 127.0.0.1:$1
  (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}
for port in "$EMULATOR_PORT" "$APP_PORT"; do
  if port_taken "$port"; then
    echo "run-sample: port $port is in use; stop what listens there (a previous run?) and retry." >&2
    exit 1
  fi
done

APP_JAR=samples/spring-boot-app/target/spring-boot-sample.jar
EMULATOR_JAR=emulator/target/iap-verifier-emulator.jar
if [ -n "${RUN_SAMPLE_SKIP_BUILD:-}" ]; then
  for jar in "$APP_JAR" "$EMULATOR_JAR"; do
    if [ ! -f "$jar" ]; then
      echo "run-sample: RUN_SAMPLE_SKIP_BUILD is set but $jar is missing; run without it to build." >&2
      exit 1
    fi
  done
else
  echo "Building the sample and the emulator (the first run downloads dependencies: a few minutes)..."
  ./mvnw -q -B -pl samples/spring-boot-app,emulator -am package -DskipTests
fi

mkdir -p "$LOGS"
APP_PID="" EMULATOR_PID="" TAIL_PID=""
stop() {
  trap - EXIT INT TERM
  for pid in $TAIL_PID $EMULATOR_PID $APP_PID; do
    kill "$pid" 2> /dev/null || true
  done
  wait 2> /dev/null || true
  echo "Stopped the sample and the emulator."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The app first: the emulator refuses to start until something answers at its upstream. The app's
# first fetch of the emulator's keys fails meanwhile (a warning in its log) and is retried.
"$JAVA" -jar "$APP_JAR" \
  --spring.profiles.active=local --server.port="$APP_PORT" > "$LOGS/app.log" 2>&1 &
APP_PID=$!

"$JAVA" -jar "$EMULATOR_JAR" \
  --upstream "http://localhost:$APP_PORT" --port "$EMULATOR_PORT" --wait-for-upstream 120 \
  --users "user@example.com hd=example.com;admin@example.com hd=example.com levels=accessPolicies/1/accessLevels/corp" \
  > "$LOGS/emulator.log" 2>&1 &
EMULATOR_PID=$!

echo "Starting the app on port $APP_PORT and the emulator on port $EMULATOR_PORT..."
until grep -q "^IAP emulator listening" "$LOGS/emulator.log" 2> /dev/null; do
  for pid in $APP_PID $EMULATOR_PID; do
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "run-sample: a process stopped during start-up; end of its logs:" >&2
      tail -n 25 "$LOGS/app.log" "$LOGS/emulator.log" >&2
      exit 1
    fi
  done
  sleep 0.5
done

cat << EOF

  The Spring Boot sample is running behind the local IAP emulator.

  Open http://localhost:$EMULATOR_PORT and pick an identity on the emulator's sign-in page:
    user@example.com    sees the identity page; /admin answers 403
    admin@example.com   granted ADMIN by iap.authorities.ADMIN; /admin works
  Sign out:  http://localhost:$EMULATOR_PORT/?gcp-iap-mode=CLEAR_LOGIN_COOKIE

  The app's own port is reachable too, but a forged identity header gets 401:
    curl -i -H 'x-goog-authenticated-user-email: accounts.google.com:admin@example.com' http://localhost:$APP_PORT/admin

  Logs: $LOGS/app.log and emulator.log. Ctrl-C stops both.

EOF

# Show the emulator's one line per request and sign-in as they happen.
tail -n 0 -f "$LOGS/emulator.log" &
TAIL_PID=$!

# Serve until Ctrl-C, or until either process ends on its own.
set +e
wait -n "$APP_PID" "$EMULATOR_PID"
echo "run-sample: the app or the emulator stopped; see $LOGS." >&2
exit 1
