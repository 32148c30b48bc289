-- Version 1: conversations, messages, deliveries, receipts, presence sessions. Times are UTC epoch milliseconds
-- (18.16 has no DateTime64). No unique keys or transactions here: each table is a ReplacingMergeTree ordered by its
-- natural key, so rows written twice by a replayed batch collapse into one at merge time, and every documented query
-- reads with FINAL (or groups by the key) so it never counts them twice before that.
-- Scripts must stay idempotent (IF NOT EXISTS): two processes starting at once may both run one.
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id String,
    kind            String,
    title           Nullable(String),
    created_by      String,
    created_at_ms   Int64,
    initial_members Int32
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id);
CREATE TABLE IF NOT EXISTS messages (
    conversation_id      String,
    seq                  Int64,
    message_id           String,
    sender_id            String,
    device_id            String,
    edge_id              Nullable(String),
    conversation_kind    Nullable(String),
    sent_at_ms           Int64,
    command_issued_at_ms Nullable(Int64),
    text_length          Int32,
    text_bytes           Int32,
    attachment_count     Int32
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id, seq);
CREATE TABLE IF NOT EXISTS deliveries (
    conversation_id      String,
    seq                  Int64,
    user_id              String,
    edge_id              String,
    device_key           String,
    device_id            Nullable(String),
    event_type           String,
    created_at_ms        Int64,
    command_issued_at_ms Nullable(Int64),
    latency_ms           Nullable(Int64)
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id, seq, user_id, edge_id, device_key);
CREATE TABLE IF NOT EXISTS receipts (
    conversation_id      String,
    user_id              String,
    delivered_seq        Int64,
    read_seq             Int64,
    at_ms                Int64,
    delivered_to_all_seq Int64,
    read_by_all_seq      Int64
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id, user_id, delivered_seq, read_seq);
-- A session is written open (closed = 0) and again closed (closed = 1) under the same key; the version column makes
-- the closed row win, whatever order the merge sees them in.
CREATE TABLE IF NOT EXISTS presence_sessions (
    user_id       String,
    started_at_ms Int64,
    ended_at_ms   Nullable(Int64),
    duration_ms   Nullable(Int64),
    closed        UInt8
) ENGINE = ReplacingMergeTree(closed) ORDER BY (user_id, started_at_ms);
