-- Version 1: conversations, messages, deliveries, receipts, presence sessions. Times are UTC epoch milliseconds.
-- Every table has its natural key as primary key: the sink inserts with ON CONFLICT, so a replayed batch adds nothing.
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id VARCHAR NOT NULL PRIMARY KEY,
    kind            VARCHAR NOT NULL,
    title           VARCHAR,
    created_by      VARCHAR NOT NULL,
    created_at_ms   BIGINT  NOT NULL,
    initial_members INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    conversation_id      VARCHAR NOT NULL,
    seq                  BIGINT  NOT NULL,
    message_id           VARCHAR NOT NULL,
    sender_id            VARCHAR NOT NULL,
    device_id            VARCHAR NOT NULL,
    edge_id              VARCHAR,
    conversation_kind    VARCHAR,
    sent_at_ms           BIGINT  NOT NULL,
    command_issued_at_ms BIGINT,
    text_length          INTEGER NOT NULL,
    text_bytes           INTEGER NOT NULL,
    attachment_count     INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE TABLE IF NOT EXISTS deliveries (
    conversation_id      VARCHAR NOT NULL,
    seq                  BIGINT  NOT NULL,
    user_id              VARCHAR NOT NULL,
    edge_id              VARCHAR NOT NULL,
    device_key           VARCHAR NOT NULL,
    device_id            VARCHAR,
    event_type           VARCHAR NOT NULL,
    created_at_ms        BIGINT  NOT NULL,
    command_issued_at_ms BIGINT,
    latency_ms           BIGINT,
    PRIMARY KEY (conversation_id, seq, user_id, edge_id, device_key)
);
CREATE TABLE IF NOT EXISTS receipts (
    conversation_id      VARCHAR NOT NULL,
    user_id              VARCHAR NOT NULL,
    delivered_seq        BIGINT  NOT NULL,
    read_seq             BIGINT  NOT NULL,
    at_ms                BIGINT  NOT NULL,
    delivered_to_all_seq BIGINT  NOT NULL,
    read_by_all_seq      BIGINT  NOT NULL,
    PRIMARY KEY (conversation_id, user_id, delivered_seq, read_seq)
);
CREATE TABLE IF NOT EXISTS presence_sessions (
    user_id       VARCHAR NOT NULL,
    started_at_ms BIGINT  NOT NULL,
    ended_at_ms   BIGINT,
    duration_ms   BIGINT,
    closed        UTINYINT NOT NULL,
    PRIMARY KEY (user_id, started_at_ms)
);
