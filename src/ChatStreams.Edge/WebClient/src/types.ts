// The shapes of the client protocol (docs/protocol.md) that the web client reads. Unknown fields are ignored,
// as the protocol asks; only what the screens use is typed.

export interface Session {
  userId: string;
  token: string;
  username: string;
  displayName: string;
}

export interface Profile {
  userId: string;
  username: string;
  displayName: string;
}

export interface Contact extends Profile {
  presence: "online" | "offline" | "unknown";
  lastSeen: string | null;
}

export interface Member {
  userId: string;
  role: "admin" | "member";
}

export interface Attachment {
  mediaId: string;
  contentType?: string;
  fileName?: string;
  size?: number;
}

/** A `message` frame or history item; history items also carry the message's current state. */
export interface MessageEvent {
  type: "message";
  conversationId: string;
  seq: number;
  messageId: string;
  id?: string;
  senderId: string;
  body: string;
  sentAt: string;
  attachments: Attachment[];
  edited?: boolean;
  deleted?: boolean;
  reactions?: Record<string, string[]>;
}

export interface ConversationSummary {
  conversationId: string;
  kind: "direct" | "group";
  title?: string;
  members: Member[];
  isMember: boolean;
  lastSeq: number;
  deliveredSeq: number;
  readSeq: number;
  unread: number;
  lastActivity: string;
  lastMessage?: MessageEvent;
}

/** Every frame with conversationId + seq: one position of the conversation's order (§6.2). */
export interface SequencedFrame {
  type: string;
  conversationId: string;
  seq: number;
  [field: string]: unknown;
}

export interface SearchHit {
  conversationId: string;
  seq: number;
  senderId: string;
  sentAt: string;
  highlight: string;
}

export interface MediaUpload {
  mediaId: string;
  uploadUrl: string;
  uploadMethod?: string;
  uploadHeaders?: Record<string, string>;
  downloadUrl?: string;
}

/** A conversation's mute (§12.15): `until` is null for a mute until unmuted (and when not muted). */
export interface MuteState {
  conversationId: string;
  muted: boolean;
  until: string | null;
}

/** Server frames the client acts on; everything else is ignored. */
export type ServerFrame =
  | { type: "ready"; userId: string; deviceId: string; edge: string }
  | { type: "ack"; id: string; conversationId: string; seq?: number; duplicate?: boolean }
  | { type: "receipt"; conversationId: string; userId: string; seq: number; status: "delivered" | "read"; readByAllSeq?: number; deliveredToAllSeq?: number }
  | { type: "typing"; conversationId: string; userId: string; state: "start" | "stop" }
  | { type: "presence"; userId: string; status: "online" | "offline"; lastSeen: string }
  | { type: "error"; code: string; message: string; id?: string; conversationId?: string }
  | { type: "resumed"; cursors: Record<string, number> }
  | { type: "reconnect"; reason: string; message?: string }
  | { type: "pong" };
