#!/usr/bin/env bash
# Builds the benchmarks in Release and runs every one of them; each writes its own section of docs/benchmarks.md.
# Usage: scripts/bench.sh [extra options for the broker benchmark, e.g. --records 120000]
# Run it on an otherwise idle machine: the broker and the clients share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/ChatStreams.Bench -c Release -nologo -v q
bench() { dotnet run -c Release --no-build --project src/ChatStreams.Bench -- "$@"; }

# Embedded Kafka broker vs librdkafka's mock cluster (section "## Embedded Kafka broker").
bench broker --output docs/benchmarks.md "$@"

# Streams runtime (EOS) vs hand-written consume→produce loops, and restore speed (section "## Streams runtime").
bench streams --output docs/benchmarks.md

# Conversation + fan-out topologies: messages/s and deliveries/s for groups of 2, 50 and 500, and the topologies'
# share of end-to-end latency (section "## Chat topologies").
bench topologies --output docs/benchmarks.md

# Real WebSocket clients through the gateway and both edges of `chatstreams up`: send → ack and send → message latency and
# deliveries/s of direct and group chat, every device's seqs checked (section "## Edge and gateway").
bench edge --output docs/benchmarks.md

# History (SQLite), search (Lucene) and analytics (DuckDB, and ClickHouse when clickhouse-server is installed) sinks: rows/s
# each lands from a standing start and freshness, a message's commit → readable in the store, p50/p99 (section "## Sinks").
bench sinks --output docs/benchmarks.md

# Load: up to 1,000 WebSocket clients, open-loop sends, end-to-end latency (HdrHistogram, from each send's due time), throughput,
# loss and duplicates, CPU and memory — ChatStreams and a SignalR + Redis baseline (redis-server must be installed), every
# scenario on both: direct chats, groups of 50, a group of 1,000, a reconnect storm, a rising-rate search for p99 < 100 ms.
# About 15 minutes; writes docs/benchmarks/load.json and load-latency.svg (section "## Load: ChatStreams and a SignalR + Redis baseline").
bench load --output docs/benchmarks.md --results-dir docs/benchmarks
