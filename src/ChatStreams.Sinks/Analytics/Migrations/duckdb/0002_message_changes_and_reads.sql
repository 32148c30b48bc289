-- Version 2: edits, deletions and reactions as rows of their own, and per-seq first read times (from receipts).
CREATE TABLE IF NOT EXISTS message_changes (
    conversation_id VARCHAR NOT NULL,
    seq             BIGINT  NOT NULL,
    target_seq      BIGINT  NOT NULL,
    user_id         VARCHAR NOT NULL,
    change          VARCHAR NOT NULL,
    emoji           VARCHAR,
    at_ms           BIGINT  NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE TABLE IF NOT EXISTS message_reads (
    conversation_id VARCHAR NOT NULL,
    seq             BIGINT  NOT NULL,
    user_id         VARCHAR NOT NULL,
    read_at_ms      BIGINT  NOT NULL,
    PRIMARY KEY (conversation_id, seq, user_id)
);
