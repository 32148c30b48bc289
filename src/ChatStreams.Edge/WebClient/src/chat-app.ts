// The signed-in client: holds conversations, profiles, presence and pending sends, runs the socket, and tells the
// views what changed. State rules (apply by seq, resume cursors, receipts) are in docs/web-client.md.
import { readAddress, showAddress } from "./address.js";
import { Api, ApiError } from "./api.js";
import { BrowserPush } from "./browser-push.js";
import { Connection, type ConnectionState } from "./connection.js";
import { Conversation } from "./conversation.js";
import { EndToEnd } from "./e2e-device.js";
import { decryptHistoryPages, isEncryptedConversation, reveal, searchDecryptedToo } from "./e2e-chat.js";
import { h, uuid } from "./dom.js";
import { PendingSends, type PendingSend } from "./pending.js";
import { Sidebar } from "./sidebar.js";
import { openSettingsDialog } from "./settings.js";
import { ThreadView } from "./thread.js";
import type { Contact, ConversationSummary, MuteState, Profile, SequencedFrame, ServerFrame, Session } from "./types.js";

const NOT_SEQUENCED = new Set(["ready", "ack", "receipt", "typing", "presence", "error", "resumed", "reconnect", "pong"]);
const TYPING_SHOWN_MS = 6000;

export interface Presence {
  status: "online" | "offline" | "unknown";
  lastSeen: string | null;
}

export class ChatApp {
  readonly conversations = new Map<string, Conversation>();
  readonly profiles = new Map<string, Profile>();
  readonly presence = new Map<string, Presence>();
  readonly pending = new PendingSends();
  /** Muted conversations: the time the mute ends, or null for a mute until unmuted (§12.15). */
  readonly mutes = new Map<string, string | null>();
  readonly push: BrowserPush;
  activeId: string | null = null;
  connectionState: ConnectionState = "connecting";

  readonly connection: Connection;
  readonly sidebar: Sidebar;
  readonly thread: ThreadView;
  private readonly root: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly announcer: HTMLElement;
  private receiptTimers = new Map<string, number>();
  private contactsRefresh: number | undefined;
  private resumedOnce = false;
  private muteExpiry = new Map<string, number>();
  /** This device's end-to-end encryption; null when the browser lacks X25519/Ed25519 or the keys could not be published. */
  e2e: EndToEnd | null = null;
  private readonly deviceId = deviceId();
  /** Sequenced frames are applied in arrival order, after any decryption (which is asynchronous). */
  private inbound: Promise<void> = Promise.resolve();
  private readonly sealed = new Map<string, string>();

  constructor(readonly session: Session, readonly api: Api, private readonly signOut: (reason?: string) => void) {
    this.profiles.set(session.userId, { userId: session.userId, username: session.username, displayName: session.displayName });
    this.connection = new Connection(() => session.token, this.deviceId);
    this.push = new BrowserPush(api);
    decryptHistoryPages(api, () => this.e2e);
    searchDecryptedToo(api, () => this.e2e);
    this.statusLine = h("p", { class: "connection", role: "status", "aria-live": "polite", "data-state": "connecting" }, "Connecting…");
    this.announcer = h("p", { class: "visually-hidden", "aria-live": "assertive" });
    this.sidebar = new Sidebar(this);
    this.thread = new ThreadView(this);
    this.root = h("div", { class: "app", "data-view": "list" },
      h("header", { class: "topbar" },
        h("h1", { class: "brand" }, "ChatStreams"),
        this.statusLine,
        h("span", { class: "me", title: session.username }, session.displayName),
        h("button", { type: "button", class: "link", "aria-haspopup": "dialog", onclick: () => openSettingsDialog(this) },
          h("span", { "aria-hidden": "true" }, "⚙"), h("span", { class: "wide-only" }, " Settings")),
        h("button", { type: "button", class: "link", onclick: () => this.logout() }, "Log out")),
      h("div", { class: "panes" }, this.sidebar.element, this.thread.element,
        h("p", { class: "placeholder" }, "Choose a conversation, or start one with “New chat”.")),
      this.announcer);
  }

  async start(container: HTMLElement): Promise<void> {
    container.replaceChildren(this.root);
    this.connection.onState = (state, detail) => this.setConnectionState(state, detail);
    this.connection.onReady = () => this.onReady();
    this.connection.onFrame = frame => this.onFrame(frame);
    this.connection.onRepeatedFailure = () => { void this.api.call("GET", "/api/users/me").catch(() => {}); };
    document.addEventListener("visibilitychange", () => this.sendReceipts(this.activeId));
    window.addEventListener("focus", () => this.sendReceipts(this.activeId));
    window.addEventListener("hashchange", () => {
      const address = readAddress(location.hash);
      if (address && this.root.isConnected) void this.openAddress(address.conversationId, address.seq); // not after a log out
    });
    try {
      this.e2e = await EndToEnd.start(this.api, this.session.userId, this.deviceId);
    } catch (error) {
      console.warn("End-to-end encryption is unavailable on this device", error);
    }
    try {
      await Promise.all([this.loadContacts(), this.loadConversations(), this.loadMutes()]);
    } catch (error) {
      this.announce(error instanceof Error ? error.message : "Could not load your conversations.");
    }
    this.sidebar.render();
    this.connection.start();
    void this.push.renew();
    // Opened at a chat's address: a reload, or a clicked notification in a new tab.
    const address = readAddress(location.hash);
    if (address) await this.openAddress(address.conversationId, address.seq);
    else this.sidebar.focusSearch();
  }

  stop(): void {
    this.connection.stop();
  }

  logout(reason?: string): void {
    this.stop();
    this.signOut(reason);
  }

  // ---- names -------------------------------------------------------------------------------------------------

  nameOf(userId: string): string {
    if (userId === this.session.userId) return "You";
    const profile = this.profiles.get(userId);
    if (!profile) this.refreshContactsSoon();
    return profile?.displayName ?? `user ${userId.slice(0, 6)}`;
  }

  titleOf(conversation: Conversation): string {
    const s = conversation.summary;
    if (s.kind === "group") return s.title || s.members.filter(m => m.userId !== this.session.userId).map(m => this.nameOf(m.userId)).join(", ") || "Group";
    const other = this.peerOf(conversation);
    return other ? this.nameOf(other) : "Direct chat";
  }

  /** The other member of a direct conversation. */
  peerOf(conversation: Conversation): string | undefined {
    if (conversation.summary.kind !== "direct") return undefined;
    return conversation.summary.members.find(m => m.userId !== this.session.userId)?.userId;
  }

  remember(profiles: Profile[]): void {
    for (const p of profiles) this.profiles.set(p.userId, { userId: p.userId, username: p.username, displayName: p.displayName });
  }

  private refreshContactsSoon(): void {
    if (this.contactsRefresh !== undefined) return;
    this.contactsRefresh = window.setTimeout(async () => {
      try { await this.loadContacts(); this.sidebar.render(); this.thread.refreshAll(); } catch { /* next time */ }
      window.setTimeout(() => { this.contactsRefresh = undefined; }, 5000);
    }, 300);
  }

  private async loadContacts(): Promise<void> {
    const contacts: Contact[] = await this.api.contacts();
    this.remember(contacts);
    for (const c of contacts) if (!this.presence.has(c.userId) || c.presence !== "unknown")
      this.applyPresence(c.userId, c.presence, c.lastSeen);
  }

  private async loadMutes(): Promise<void> {
    try {
      for (const m of await this.api.mutes()) this.setMute({ conversationId: m.conversationId, muted: true, until: m.until });
    } catch { /* the list shows no mute icons; opening a chat reads its state */ }
  }

  isMuted(conversationId: string): boolean {
    if (!this.mutes.has(conversationId)) return false;
    const until = this.mutes.get(conversationId);
    return until === null || until === undefined || Date.parse(until) > Date.now();
  }

  /** Records a mute state from the server and redraws the list and the header; a timed mute redraws when it ends. */
  setMute(state: MuteState): void {
    window.clearTimeout(this.muteExpiry.get(state.conversationId));
    this.muteExpiry.delete(state.conversationId);
    if (state.muted) {
      this.mutes.set(state.conversationId, state.until);
      const left = state.until ? Date.parse(state.until) - Date.now() : Infinity;
      if (left < 2 ** 31 - 1) this.muteExpiry.set(state.conversationId, window.setTimeout(() => this.setMute({ ...state, muted: false }), Math.max(0, left) + 500));
    } else this.mutes.delete(state.conversationId);
    this.sidebar.render();
    if (state.conversationId === this.activeId) this.thread.refreshMute();
  }

  private async loadConversations(): Promise<Conversation[]> {
    const added: Conversation[] = [];
    for (const summary of await this.api.conversations()) {
      const known = this.conversations.get(summary.conversationId);
      if (known) {
        known.summary.title = summary.title;
        known.summary.unread = Math.max(known.summary.unread, summary.unread);
        continue;
      }
      const conversation = new Conversation(summary, this.session.userId);
      this.conversations.set(summary.conversationId, conversation);
      added.push(conversation);
    }
    return added;
  }

  // ---- connection ----------------------------------------------------------------------------------------------

  private setConnectionState(state: ConnectionState, detail: string): void {
    this.connectionState = state;
    this.statusLine.textContent = detail;
    this.statusLine.dataset["state"] = state;
    this.root.dataset["connection"] = state;
  }

  private onReady(): void {
    // Resume every conversation from the last seq held (§8.5), then pick up conversations joined while away.
    this.resumedOnce = false;
    this.sendResume([...this.conversations.values()]);
    void this.loadConversations().then(added => {
      if (added.length > 0) { this.sendResume(added); this.sidebar.render(); }
    }).catch(() => {});
  }

  private sendResume(conversations: Conversation[]): void {
    for (let i = 0; i < Math.max(1, conversations.length); i += 1000) {
      const cursors: Record<string, number> = {};
      for (const c of conversations.slice(i, i + 1000)) if (c.summary.isMember) cursors[c.id] = c.cursor;
      this.connection.send({ type: "resume", cursors });
    }
  }

  /** Every frame waits for those before it: decrypting one is asynchronous, and frames must apply in arrival order. */
  private onFrame(frame: ServerFrame & Record<string, unknown>): void {
    this.inbound = this.inbound
      .then(() => NOT_SEQUENCED.has(frame.type) ? undefined : reveal(this.e2e, frame as unknown as SequencedFrame))
      .then(() => this.handleFrame(frame))
      .catch(error => console.error("A frame could not be applied", error));
  }

  private handleFrame(frame: ServerFrame & Record<string, unknown>): void {
    if (!NOT_SEQUENCED.has(frame.type) && typeof frame["conversationId"] === "string" && typeof frame["seq"] === "number") {
      this.onSequenced(frame as unknown as SequencedFrame);
      return;
    }
    switch (frame.type) {
      case "receipt": {
        const c = this.conversations.get(frame.conversationId);
        if (!c) return;
        c.applyReceipt(frame.userId, frame.seq, frame.status, frame.readByAllSeq, frame.deliveredToAllSeq);
        if (frame.userId === this.session.userId) {
          if (frame.status === "read") c.sentRead = Math.max(c.sentRead, frame.seq);
          c.sentDelivered = Math.max(c.sentDelivered, frame.seq);
          this.sidebar.render();
        }
        if (c.id === this.activeId) this.thread.refreshTicks();
        return;
      }
      case "typing": {
        const c = this.conversations.get(frame.conversationId);
        if (!c) return;
        window.clearTimeout(c.typing.get(frame.userId));
        if (frame.state === "start")
          c.typing.set(frame.userId, window.setTimeout(() => { c.typing.delete(frame.userId); this.onTypingChanged(c); }, TYPING_SHOWN_MS));
        else c.typing.delete(frame.userId);
        this.onTypingChanged(c);
        return;
      }
      case "presence":
        this.applyPresence(frame.userId, frame.status, frame.lastSeen);
        this.sidebar.render();
        this.thread.refreshHeader();
        return;
      case "ack":
        if (frame.duplicate) { this.pending.remove(frame.id); this.thread.refreshPending(); }
        return;
      case "error":
        this.onError(frame);
        return;
      case "resumed":
        for (const [id, seq] of Object.entries(frame.cursors)) this.conversations.get(id)?.truncateAbove(seq);
        if (!this.resumedOnce) { this.resumedOnce = true; this.resendPending(); }
        return;
      case "reconnect":
        if (frame.reason === "token_expired") this.logout("Your session expired; please log in again.");
        return;
    }
  }

  private onSequenced(frame: SequencedFrame): void {
    let c = this.conversations.get(frame.conversationId);
    if (!c) {
      // A conversation this client did not know: created with us (seq 1) or we were added. Its stream on this
      // socket starts here; the summary (title, members) is fetched once.
      const summary: ConversationSummary = frame.type === "conversation"
        ? { conversationId: frame.conversationId, kind: frame["kind"] as "direct" | "group", title: frame["title"] as string | undefined,
            members: ((frame["members"] as string[]) ?? []).map(userId => ({ userId, role: ((frame["admins"] as string[]) ?? []).includes(userId) ? "admin" : "member" })),
            isMember: true, lastSeq: 0, deliveredSeq: 0, readSeq: 0, unread: 0, lastActivity: (frame["at"] as string) ?? "" }
        : { conversationId: frame.conversationId, kind: "group", members: [], isMember: true, lastSeq: 0, deliveredSeq: 0, readSeq: 0, unread: 0, lastActivity: "" };
      c = new Conversation(summary, this.session.userId, frame.seq - 1);
      c.historyLoaded = frame.seq === 1;
      c.hasMoreHistory = frame.seq > 1;
      this.conversations.set(c.id, c);
      if (frame.type !== "conversation") void this.fetchSummary(c);
      if (frame.type === "conversation" && frame["createdBy"] !== this.session.userId) this.announce(`New conversation: ${this.titleOf(c)}`);
    }
    const change = c.apply(frame);
    if (change.kind === "none" && !c.has(frame.seq)) return;
    if (frame.type === "message") {
      const message = c.messages.get(frame.seq)!;
      if (message.clientId && message.senderId === this.session.userId) this.pending.remove(message.clientId);
      if (message.senderId !== this.session.userId) {
        if (frame.seq > c.summary.readSeq) c.summary.unread++;
        c.typing.delete(message.senderId);
        if (c.id !== this.activeId) this.announce(`New message from ${this.nameOf(message.senderId)} in ${this.titleOf(c)}`);
      }
      this.scheduleReceipts(c.id);
    }
    if (change.kind === "members" && !c.summary.members.every(m => this.profiles.has(m.userId))) this.refreshContactsSoon();
    if (c.id === this.activeId) this.thread.onChange(change);
    this.sidebar.render();
  }

  private async fetchSummary(c: Conversation): Promise<void> {
    try {
      const summary = await this.api.conversation(c.id);
      c.summary = { ...summary, lastSeq: Math.max(summary.lastSeq, c.summary.lastSeq), unread: Math.max(summary.unread, c.summary.unread),
        lastMessage: c.summary.lastMessage ?? summary.lastMessage };
      this.sidebar.render();
      if (c.id === this.activeId) this.thread.refreshHeader();
    } catch { /* the list refresh after the next reconnect fills it */ }
  }

  private onError(frame: { code: string; message: string; id?: string; conversationId?: string }): void {
    const pending = frame.id ? this.pending.get(frame.id) : undefined;
    if (pending) {
      if (frame.code === "unavailable" || frame.code === "rate_limited") {
        // Not taken: resend with the same id, which the sequencer deduplicates (§7.1).
        window.setTimeout(() => this.transmit(pending), 1000 + Math.random() * 1000);
        return;
      }
      this.pending.fail(pending.id, frame.message);
      this.thread.refreshPending();
    }
    if (frame.code === "not_member" && frame.conversationId) {
      const c = this.conversations.get(frame.conversationId);
      if (c && !pending) return; // a resume cursor of a conversation we left: nothing to show
    }
    this.announce(`Error: ${frame.message}`);
    this.thread.showStatus(frame.message);
  }

  applyPresence(userId: string, status: Presence["status"], lastSeen: string | null): void {
    const known = this.presence.get(userId);
    // lastSeen never goes down for a user: a stale snapshot must not undo a newer change (§6.5).
    if (known && known.lastSeen && lastSeen && lastSeen < known.lastSeen) return;
    this.presence.set(userId, { status, lastSeen });
  }

  private onTypingChanged(c: Conversation): void {
    if (c.id === this.activeId) this.thread.refreshTyping();
    this.sidebar.render();
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  send(conversationId: string, body: string, attachments: string[] = [], preview: PendingSend["preview"] = []): void {
    const item: PendingSend = { id: uuid(), conversationId, body, attachments, preview, createdAt: new Date().toISOString() };
    this.pending.add(item);
    this.transmit(item);
    this.thread.refreshPending();
  }

  private transmit(item: PendingSend): void {
    if (isEncryptedConversation(item.conversationId)) { void this.transmitEncrypted(item); return; }
    const frame: Record<string, unknown> = { type: "send", id: item.id, conversationId: item.conversationId, body: item.body };
    if (item.attachments.length > 0) frame["attachments"] = item.attachments;
    this.connection.send(frame); // when offline it waits: resendPending runs after the next `resumed`
  }

  /** Encrypted once per pending message: a resend carries the same ciphertext, which the sequencer deduplicates. */
  private async transmitEncrypted(item: PendingSend): Promise<void> {
    let ciphertext = this.sealed.get(item.id);
    if (ciphertext === undefined) {
      const c = this.conversations.get(item.conversationId);
      try {
        if (!this.e2e) throw new Error("end-to-end encryption is not available in this browser");
        ciphertext = await this.e2e.encryptMessage(item.conversationId, item.id, (c?.summary.members ?? []).map(m => m.userId), item.body);
      } catch (error) {
        this.pending.fail(item.id, `Not sent: ${error instanceof Error ? error.message : "encryption failed"}`);
        this.thread.refreshPending();
        return;
      }
      this.sealed.set(item.id, ciphertext);
    }
    this.connection.send({ type: "send", id: item.id, conversationId: item.conversationId, ciphertext });
  }

  private resendPending(): void {
    for (const item of this.pending.all()) {
      const c = this.conversations.get(item.conversationId);
      const arrived = c && [...c.messages.values()].some(m => m.clientId === item.id && m.senderId === this.session.userId);
      if (arrived) this.pending.remove(item.id);
      else if (!item.failed) this.transmit(item);
    }
    this.thread.refreshPending();
  }

  command(frame: Record<string, unknown>): boolean {
    const sent = this.connection.send({ ...frame, id: uuid() });
    if (!sent) this.thread.showStatus("Not connected; try again when the connection is back.");
    return sent;
  }

  private lastTypingStart = 0;
  private typingStop: number | undefined;

  typed(conversationId: string): void {
    const now = Date.now();
    if (now - this.lastTypingStart > 3000) {
      this.lastTypingStart = now;
      this.connection.send({ type: "typing", conversationId, state: "start" });
    }
    window.clearTimeout(this.typingStop);
    this.typingStop = window.setTimeout(() => this.stopTyping(conversationId), 4000);
  }

  stopTyping(conversationId: string): void {
    window.clearTimeout(this.typingStop);
    if (this.lastTypingStart === 0) return;
    this.lastTypingStart = 0;
    this.connection.send({ type: "typing", conversationId, state: "stop" });
  }

  async open(conversationId: string, focusSeq?: number): Promise<void> {
    const c = this.conversations.get(conversationId);
    if (!c) return;
    this.activeId = conversationId;
    this.root.dataset["view"] = "chat";
    showAddress({ conversationId });
    this.sidebar.render();
    void this.push.dismissNotificationsOf(conversationId);
    await this.thread.show(c, focusSeq);
    this.sendReceipts(conversationId);
  }

  /** Opens a chat named by an address or a notification; one not in the list yet (just created) is looked up first. */
  async openAddress(conversationId: string, seq?: number): Promise<void> {
    if (!this.conversations.has(conversationId)) await this.loadConversations().catch(() => []);
    if (this.conversations.get(conversationId)?.summary.isMember) await this.open(conversationId, seq);
    else {
      showAddress(null);
      this.announce("That conversation is not available.");
    }
  }

  closeThread(): void {
    this.activeId = null;
    showAddress(null);
    this.root.dataset["view"] = "list";
    this.thread.hide();
    this.sidebar.render();
    this.sidebar.focusActive();
  }

  /** Creates (or finds) the conversation and returns its id; the caller opens it once its dialog has closed. */
  async startConversation(kind: "direct" | "group", members: string[], title?: string, encrypted = false): Promise<string> {
    const { conversationId } = await this.api.createConversation(kind, members, title, encrypted);
    if (!this.conversations.has(conversationId)) {
      try {
        const summary = await this.api.conversation(conversationId);
        if (!this.conversations.has(conversationId)) {
          const c = new Conversation(summary, this.session.userId);
          this.conversations.set(conversationId, c);
          // Its live stream may not have started on this socket: resume it from what the summary covers.
          this.sendResume([c]);
        }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    return conversationId;
  }

  // ---- receipts ------------------------------------------------------------------------------------------------

  private scheduleReceipts(conversationId: string): void {
    if (this.receiptTimers.has(conversationId)) return;
    this.receiptTimers.set(conversationId, window.setTimeout(() => {
      this.receiptTimers.delete(conversationId);
      this.sendReceipts(conversationId, true);
    }, 150));
  }

  /** Delivered for everything received; read for the open conversation while the page is visible. */
  sendReceipts(conversationId: string | null, delivered = false): void {
    if (!conversationId) return;
    const c = this.conversations.get(conversationId);
    if (!c || !c.summary.isMember || !this.connection.isOpen) return;
    const last = c.summary.lastSeq;
    const reading = conversationId === this.activeId && document.visibilityState === "visible";
    if (reading && last > c.sentRead) {
      if (this.connection.send({ type: "receipt", conversationId, seq: last, status: "read" })) {
        c.sentRead = last;
        c.sentDelivered = Math.max(c.sentDelivered, last);
        c.markReadLocally(last);
        c.summary.unread = 0;
        this.sidebar.render();
      }
    } else if (delivered && last > c.sentDelivered) {
      if (this.connection.send({ type: "receipt", conversationId, seq: last, status: "delivered" })) c.sentDelivered = last;
    }
  }

  announce(text: string): void {
    this.announcer.textContent = "";
    window.setTimeout(() => { this.announcer.textContent = text; }, 50);
  }
}

function deviceId(): string {
  // One id per browser tab that survives reloads: presence counts devices by it, and the sequencer's answers to a
  // device's commands are addressed to it (§4.1).
  let id = sessionStorage.getItem("chatstreams.device");
  if (!id) {
    id = `web-${uuid().replace(/-/g, "").slice(0, 16)}`;
    sessionStorage.setItem("chatstreams.device", id);
  }
  return id;
}
