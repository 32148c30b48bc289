// The shapes of the client protocol (docs/protocol.md) that the web client reads. Unknown fields are ignored,
// as the protocol asks; only what the screens use is typed.
export {};
