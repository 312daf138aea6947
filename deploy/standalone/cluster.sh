#!/usr/bin/env bash
# A Flink session cluster of separate processes (one JobManager, N TaskManagers) and a Kafka
# broker process (KRaft), on this machine, from the published Flink and Kafka artifacts that
# `mvn -B -DskipTests package` copies into deploy/standalone/{flink,kafka}/target.
#
#   cluster.sh start  [--dir DIR] [--taskmanagers N] [--slots S] [--rest-port P] [--rpc-port P]
#                     [--kafka-port P] [--prometheus-port P] [--no-kafka]
#   cluster.sh status [--dir DIR]
#   cluster.sh stop   [--dir DIR]
#   cluster.sh start-taskmanager --dir DIR -- I   (re)start TaskManager I (1-based), as a supervisor would
#   cluster.sh stop-kafka  --dir DIR              stop the broker (SIGTERM; SIGKILL after 15 s)
#   cluster.sh start-kafka --dir DIR              start it again on its data
#   cluster.sh flink  [--dir DIR] -- ARGS...   Flink's own command line (`flink run`, `flink list`,
#                                              `flink stop --savepointPath ...`) against the cluster
#
# DIR (default ${TMPDIR:-/tmp}/streammod-cluster) holds conf/ (Flink's config.yaml, the broker's
# server.properties), log/ (one log per process), pids/, and the cluster's data: checkpoints/,
# savepoints/, kafka-data/. Ports default to Flink's and Kafka's own: REST 8081, RPC 6123,
# Kafka 9092 (controller: Kafka port + 1), Prometheus 9249 for the JobManager and the next ports,
# one each, for the TaskManagers.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FLINK_LIB="$HERE/flink/target/lib"
FLINK_PLUGINS="$HERE/flink/target/plugins"
KAFKA_LIBS="$HERE/kafka/target/libs"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# What Flink's own config.yaml passes to every JVM on Java 17 (env.java.default-opts.all).
JDK_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "cluster: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || usage
CMD="$1"; shift
DIR="${TMPDIR:-/tmp}/streammod-cluster"
TASKMANAGERS=2; SLOTS=2; REST_PORT=8081; RPC_PORT=6123; KAFKA_PORT=9092; PROM_PORT=9249
KAFKA=1; PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --taskmanagers) TASKMANAGERS="$2"; shift 2 ;;
    --slots) SLOTS="$2"; shift 2 ;;
    --rest-port) REST_PORT="$2"; shift 2 ;;
    --rpc-port) RPC_PORT="$2"; shift 2 ;;
    --kafka-port) KAFKA_PORT="$2"; shift 2 ;;
    --prometheus-port) PROM_PORT="$2"; shift 2 ;;
    --no-kafka) KAFKA=0; shift ;;
    --) shift; PASS=("$@"); break ;;
    -h|--help) usage ;;
    *) die "unknown option '$1' (see cluster.sh --help)" ;;
  esac
done
DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"
CONF="$DIR/conf"; LOG="$DIR/log"; PIDS="$DIR/pids"

need_libs() {
  [[ -d "$FLINK_LIB" && -d "$KAFKA_LIBS" ]] \
    || die "the cluster's libraries are missing ($FLINK_LIB, $KAFKA_LIBS): build first, from $(cd "$HERE/../.." && pwd): mvn -B -DskipTests package"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Settings saved at start, so that status, stop and flink find the same ports.
load_state() {
  [[ -f "$DIR/cluster.env" ]] || die "no cluster started in $DIR (cluster.sh start --dir $DIR)"
  # shellcheck disable=SC1091
  source "$DIR/cluster.env"
}

write_conf() {
  mkdir -p "$CONF" "$LOG" "$PIDS" "$DIR/checkpoints" "$DIR/savepoints" "$DIR/tmp" "$DIR/web-upload"
  cat > "$CONF/config.yaml" <<EOF
# Written by deploy/standalone/cluster.sh; Flink 2.x reads only this file.
jobmanager:
  rpc:
    address: localhost
    port: $RPC_PORT
  bind-host: localhost
  memory:
    process:
      size: 1024m
taskmanager:
  bind-host: localhost
  host: localhost
  numberOfTaskSlots: $SLOTS
  memory:
    process:
      size: 2048m
  # Spread a job's slots over the TaskManagers instead of filling one first.
  load-balance:
    mode: slots
parallelism:
  default: 2
rest:
  address: localhost
  bind-address: localhost
  port: $REST_PORT
web:
  submit:
    enable: true
  upload:
    dir: $DIR/web-upload
io:
  tmp:
    dirs: $DIR/tmp
execution:
  checkpointing:
    dir: file://$DIR/checkpoints
    savepoint-dir: file://$DIR/savepoints
restart-strategy:
  type: exponential-delay
# A TaskManager that dies without a word (kill -9, a lost machine) is declared lost after this long
# (Flink's default is 50 s); its tasks are then restarted on the TaskManagers that are left.
heartbeat:
  interval: 2000
  timeout: 10000
metrics:
  reporter:
    prom:
      factory:
        class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
      port: $PROM_PORT
EOF
  cat > "$CONF/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
EOF
  # Flink's command line logs to a file, as the distribution's does; what it prints is its answer.
  cat > "$CONF/log4j-cli.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = File
appender.file.append = true
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
EOF
  cat > "$CONF/server.properties" <<EOF
# Written by deploy/standalone/cluster.sh: one KRaft node, broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$((KAFKA_PORT + 1))
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$((KAFKA_PORT + 1))
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/kafka-data
num.partitions=8
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# Large video segments (connectors KafkaLimits.MAX_REQUEST_BYTES).
message.max.bytes=18874368
replica.fetch.max.bytes=18874368
# Room for the job's transaction timeout (10 min by default).
transaction.max.timeout.ms=3600000
EOF
  cat > "$CONF/log4j2-kafka.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.name = File
appender.file.type = File
appender.file.fileName = ${sys:kafka.log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
EOF
  cat > "$DIR/cluster.env" <<EOF
TASKMANAGERS=$TASKMANAGERS
SLOTS=$SLOTS
REST_PORT=$REST_PORT
RPC_PORT=$RPC_PORT
KAFKA_PORT=$KAFKA_PORT
PROM_PORT=$PROM_PORT
KAFKA=$KAFKA
EOF
}

# Flink's BashJavaUtils works out the JVM options and memory settings of a process from
# config.yaml, as Flink's own start scripts do: two result lines, JVM options then -D settings.
resource_params() {
  local out
  out="$("$JAVA" $JDK_OPENS -cp "$FLINK_LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$1" --configDir "$CONF" 2>&1)" || die "BashJavaUtils $1 failed: $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

spawn() { # name pidfile logfile command...
  local name="$1" pidfile="$2" logfile="$3"; shift 3
  alive "$pidfile" && die "$name is already running (pid $(cat "$pidfile"))"
  nohup "$@" >"$logfile.out" 2>&1 </dev/null &
  echo $! >"$pidfile"
  echo "cluster: started $name (pid $!), log $logfile"
}

start_kafka() {
  local data="$DIR/kafka-data" cp="$KAFKA_LIBS/*"
  local jvm=(-Xms512m -Xmx512m -Dlog4j2.configurationFile="$CONF/log4j2-kafka.properties")
  if [[ ! -f "$data/meta.properties" ]]; then
    local id
    id="$("$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    "$JAVA" "${jvm[@]}" -Dkafka.log.file="$LOG/kafka-format.log" -cp "$cp" kafka.tools.StorageTool \
      format -t "$id" -c "$CONF/server.properties" >"$LOG/kafka-format.out" 2>&1 \
      || die "formatting the broker's storage failed: $(cat "$LOG/kafka-format.out")"
  fi
  spawn kafka "$PIDS/kafka.pid" "$LOG/kafka.log" \
    "$JAVA" "${jvm[@]}" -Dkafka.log.file="$LOG/kafka.log" -cp "$cp" kafka.Kafka "$CONF/server.properties"
}

start_jobmanager() {
  local params jvm dyn
  params="$(resource_params GET_JM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"; dyn="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2086
  FLINK_PLUGINS_DIR="$FLINK_PLUGINS" FLINK_CONF_DIR="$CONF" spawn jobmanager "$PIDS/jobmanager.pid" "$LOG/jobmanager.log" \
    "$JAVA" $jvm $JDK_OPENS -Dlog.file="$LOG/jobmanager.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$FLINK_LIB/*" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" $dyn
}

start_taskmanager() { # index (1-based)
  local i="$1" params jvm dyn
  params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"; dyn="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2086
  FLINK_PLUGINS_DIR="$FLINK_PLUGINS" FLINK_CONF_DIR="$CONF" spawn "taskmanager-$i" "$PIDS/taskmanager-$i.pid" "$LOG/taskmanager-$i.log" \
    "$JAVA" $jvm $JDK_OPENS -Dlog.file="$LOG/taskmanager-$i.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$FLINK_LIB/*" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" $dyn \
    -D "taskmanager.resource-id=taskmanager-$i" -D "metrics.reporter.prom.port=$((PROM_PORT + i))"
}

wait_until() { # seconds description command...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    ((SECONDS < deadline)) || die "timed out after $1 s waiting for $what; logs in $LOG"
    sleep 1
  done
}

taskmanagers_registered() {
  local n
  n="$(curl -s -m 2 "http://localhost:$REST_PORT/overview" | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p')"
  [[ "${n:-0}" -ge "$TASKMANAGERS" ]]
}

case "$CMD" in
  start)
    need_libs
    write_conf
    if ((KAFKA)); then
      start_kafka
      wait_until 90 "the Kafka broker on port $KAFKA_PORT" port_open "$KAFKA_PORT"
    fi
    start_jobmanager
    for ((i = 1; i <= TASKMANAGERS; i++)); do start_taskmanager "$i"; done
    wait_until 120 "$TASKMANAGERS TaskManager(s) to register" taskmanagers_registered
    echo "cluster: up. Web UI and REST: http://localhost:$REST_PORT${KAFKA:+  Kafka: localhost:$KAFKA_PORT}"
    ((KAFKA)) || true
    ;;
  start-taskmanager)
    need_libs; load_state
    [[ ${#PASS[@]} -eq 1 ]] || die "usage: cluster.sh start-taskmanager --dir DIR -- INDEX"
    start_taskmanager "${PASS[0]}"
    ;;
  stop-kafka)
    load_state
    f="$PIDS/kafka.pid"
    alive "$f" || die "the broker is not running"
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "cluster: stopped kafka (pid $pid)"
    ;;
  start-kafka)
    need_libs; load_state
    start_kafka
    wait_until 90 "the Kafka broker on port $KAFKA_PORT" port_open "$KAFKA_PORT"
    ;;
  status)
    load_state
    status=0
    for f in "$PIDS"/*.pid; do
      [[ -e "$f" ]] || continue
      name="$(basename "$f" .pid)"
      if alive "$f"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: stopped"; status=3; fi
    done
    echo "REST http://localhost:$REST_PORT/overview: $(curl -s -m 2 "http://localhost:$REST_PORT/overview" || echo unreachable)"
    exit $status
    ;;
  stop)
    [[ -d "$PIDS" ]] || { echo "cluster: nothing to stop in $DIR"; exit 0; }
    # TaskManagers first, then the JobManager, then the broker: nothing is left writing to Kafka.
    for f in $(ls "$PIDS"/taskmanager-*.pid 2>/dev/null) "$PIDS/jobmanager.pid" "$PIDS/kafka.pid"; do
      [[ -f "$f" ]] || continue
      pid="$(cat "$f")"
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
        echo "cluster: stopped $(basename "$f" .pid) (pid $pid)"
      fi
      rm -f "$f"
    done
    ;;
  flink)
    need_libs; load_state
    FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$FLINK_LIB" FLINK_PLUGINS_DIR="$FLINK_PLUGINS" exec "$JAVA" $JDK_OPENS \
      -Dlog.file="$LOG/flink-cli.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
      -cp "$FLINK_LIB/*" org.apache.flink.client.cli.CliFrontend "${PASS[@]}"
    ;;
  *) usage ;;
esac
