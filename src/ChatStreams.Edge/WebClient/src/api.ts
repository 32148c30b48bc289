// REST calls through the gateway (docs/protocol.md §12). Errors are RFC 7807 problems; callers switch on `code`.
import type { Contact, ConversationSummary, MediaUpload, MessageEvent, MuteState, Profile, SearchHit, SequencedFrame, Session } from "./types.js";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields?: Record<string, string[]>) {
    super(message);
  }
}

export interface HistoryPage {
  items: SequencedFrame[];
  hasMore: boolean;
}

export class Api {
  /** Called when a call answers 401: the token expired or was refused, so the user must log in again. */
  onUnauthorized: () => void = () => {};

  constructor(private token: string | null = null) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers["Authorization"] = `Bearer ${this.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached; check your connection.");
    }
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
    let problem: { code?: string; detail?: string; title?: string; errors?: Record<string, string[]> } = {};
    try { problem = await response.json(); } catch { /* not JSON: keep the status */ }
    if (response.status === 401 && this.token && path !== "/api/auth/login") this.onUnauthorized();
    const fieldText = problem.errors ? Object.values(problem.errors).flat().join(" ") : "";
    throw new ApiError(response.status, problem.code ?? `http_${response.status}`,
      fieldText || problem.detail || problem.title || `Request failed (${response.status})`, problem.errors);
  }

  register(username: string, password: string, displayName: string): Promise<Session> {
    return this.call("POST", "/api/auth/register", { username, password, displayName });
  }

  login(username: string, password: string): Promise<Session> {
    return this.call("POST", "/api/auth/login", { username, password });
  }

  findUsers(query: string): Promise<Profile[]> {
    return this.call("GET", `/api/users?query=${encodeURIComponent(query)}&limit=10`);
  }

  contacts(): Promise<Contact[]> {
    return this.call("GET", "/api/contacts");
  }

  conversations(): Promise<ConversationSummary[]> {
    return this.call("GET", "/api/conversations");
  }

  conversation(id: string): Promise<ConversationSummary> {
    return this.call("GET", `/api/conversations/${encodeURIComponent(id)}`);
  }

  createConversation(kind: "direct" | "group", members: string[], title?: string, encrypted = false): Promise<{ conversationId: string }> {
    return this.call("POST", "/api/conversations", { kind, members, title, encrypted });
  }

  addMember(id: string, userId: string): Promise<unknown> {
    return this.call("POST", `/api/conversations/${encodeURIComponent(id)}/members`, { userId });
  }

  removeMember(id: string, userId: string): Promise<unknown> {
    return this.call("DELETE", `/api/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
  }

  /** Newest events first; `before` pages back through history (§12.8). */
  history(id: string, before?: number, limit = 50): Promise<HistoryPage> {
    const query = before === undefined ? `limit=${limit}` : `before=${before}&limit=${limit}`;
    return this.call("GET", `/api/conversations/${encodeURIComponent(id)}/messages?${query}`);
  }

  search(q: string): Promise<{ hits: SearchHit[]; totalHits: number }> {
    return this.call("GET", `/api/search?q=${encodeURIComponent(q)}&limit=30`);
  }

  createMedia(file: File, conversationId: string): Promise<MediaUpload> {
    return this.call("POST", "/api/media", {
      fileName: file.name, contentType: file.type || "application/octet-stream", size: file.size, conversationId,
    });
  }

  /** The server's VAPID public key (base64url), the `applicationServerKey` of a push subscription (§12.15). */
  async vapidPublicKey(): Promise<string> {
    return (await this.call<{ publicKey: string }>("GET", "/api/push/vapid-public-key")).publicKey;
  }

  /** Stores this browser's push subscription for the signed-in user (again: refreshes it, or moves it to them). */
  savePushSubscription(subscription: PushSubscriptionJSON): Promise<{ endpoint: string; createdAt: string }> {
    return this.call("POST", "/api/push/subscriptions", subscription);
  }

  deletePushSubscription(endpoint: string): Promise<void> {
    return this.call("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`);
  }

  /** The user's mutes still in force. */
  mutes(): Promise<{ conversationId: string; until: string | null }[]> {
    return this.call("GET", "/api/push/mutes");
  }

  muteState(id: string): Promise<MuteState> {
    return this.call("GET", `/api/conversations/${encodeURIComponent(id)}/mute`);
  }

  /** Mutes until `until` (ISO 8601), or until unmuted when it is left out. */
  mute(id: string, until?: string): Promise<MuteState> {
    return this.call("PUT", `/api/conversations/${encodeURIComponent(id)}/mute`, until ? { until } : {});
  }

  unmute(id: string): Promise<MuteState> {
    return this.call("DELETE", `/api/conversations/${encodeURIComponent(id)}/mute`);
  }

  /** PUTs the file to the presigned URL; that URL carries its own authorization, so no bearer token is sent. */
  async upload(media: MediaUpload, file: File): Promise<void> {
    const headers: Record<string, string> = { ...(media.uploadHeaders ?? {}) };
    if (!Object.keys(headers).some(h => h.toLowerCase() === "content-type")) headers["Content-Type"] = file.type || "application/octet-stream";
    const response = await fetch(media.uploadUrl, { method: media.uploadMethod ?? "PUT", headers, body: file });
    if (!response.ok) throw new ApiError(response.status, "upload_failed", `The upload failed (${response.status}).`);
  }

  /** An <img> cannot send the Authorization header, so attachments are fetched as blobs and shown by object URL. */
  async mediaBlob(mediaId: string): Promise<Blob> {
    const response = await fetch(`/api/media/${encodeURIComponent(mediaId)}`, {
      headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
    });
    if (!response.ok) throw new ApiError(response.status, "media_unavailable", `The attachment is not available (${response.status}).`);
    return response.blob();
  }
}

export type { MessageEvent };
