-- Version 2: edits, deletions and reactions as rows of their own, and per-seq first read times (from receipts).
CREATE TABLE IF NOT EXISTS message_changes (
    conversation_id String,
    seq             Int64,
    target_seq      Int64,
    user_id         String,
    change          String,
    emoji           Nullable(String),
    at_ms           Int64
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id, seq);
CREATE TABLE IF NOT EXISTS message_reads (
    conversation_id String,
    seq             Int64,
    user_id         String,
    read_at_ms      Int64
) ENGINE = ReplacingMergeTree() ORDER BY (conversation_id, seq, user_id);
