// The left pane: search box, "new chat", and either the conversation list (unread counts, last message, presence
// dots, typing) or search hits with their highlighted fragments.
import type { ChatApp } from "./chat-app.js";
import { ApiError } from "./api.js";
import { clear, h, time } from "./dom.js";
import { openNewChatDialog } from "./dialogs.js";
import type { SearchHit } from "./types.js";

export class Sidebar {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly results: HTMLElement;
  private readonly searchInput: HTMLInputElement;
  private searching = false;

  constructor(private readonly app: ChatApp) {
    this.searchInput = h("input", { type: "search", id: "search", name: "q", placeholder: "Search messages", autocomplete: "off" });
    const searchForm = h("form", { role: "search", class: "search", onsubmit: (e: Event) => { e.preventDefault(); void this.search(); } },
      h("label", { for: "search", class: "visually-hidden" }, "Search messages"),
      this.searchInput,
      h("button", { type: "submit" }, "Search"));
    this.searchInput.addEventListener("input", () => { if (this.searchInput.value.trim() === "") this.clearSearch(); });
    this.searchInput.addEventListener("keydown", e => { if (e.key === "Escape") { this.searchInput.value = ""; this.clearSearch(); } });
    this.list = h("ul", { class: "conversations", "aria-label": "Conversations" });
    this.results = h("section", { class: "results", "aria-label": "Search results", hidden: true });
    this.element = h("nav", { class: "sidebar", "aria-label": "Conversations and search" },
      searchForm,
      h("div", { class: "sidebar-actions" },
        h("h2", { id: "conversations-heading" }, "Chats"),
        h("button", { type: "button", class: "primary", onclick: () => openNewChatDialog(this.app) }, "New chat")),
      this.list,
      this.results);
  }

  focusSearch(): void {
    if (!this.app.activeId) this.searchInput.focus();
  }

  focusActive(): void {
    (this.list.querySelector("[aria-current='true']") as HTMLElement | null ?? this.searchInput).focus();
  }

  render(): void {
    const app = this.app;
    const conversations = [...app.conversations.values()]
      .filter(c => c.summary.isMember)
      .sort((a, b) => (b.summary.lastActivity ?? "").localeCompare(a.summary.lastActivity ?? ""));
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.["conversationId"];
    if (conversations.length === 0) {
      clear(this.list, h("li", { class: "empty" }, "No conversations yet. Start one with “New chat”."));
      return;
    }
    clear(this.list, ...conversations.map(c => {
      const s = c.summary;
      const peer = app.peerOf(c);
      const presence = peer ? app.presence.get(peer) : undefined;
      const typing = [...c.typing.keys()].filter(u => u !== app.session.userId);
      const last = s.lastMessage;
      const preview = typing.length > 0 ? `${typing.map(u => app.nameOf(u)).join(", ")} typing…`
        : !last ? "" : last.deleted ? "Message deleted"
        : `${last.senderId === app.session.userId ? "You: " : s.kind === "group" ? `${app.nameOf(last.senderId)}: ` : ""}${last.body || (last.attachments?.length ? "📎 Attachment" : "")}`;
      const title = app.titleOf(c);
      const unread = s.unread > 0 && c.id !== app.activeId ? s.unread : 0;
      const muted = app.isMuted(c.id);
      const label = `${title}${presence?.status === "online" ? ", online" : ""}${muted ? ", muted" : ""}${unread ? `, ${unread} unread` : ""}`;
      return h("li", {},
        h("button", {
          type: "button", class: "conversation", "data-conversation-id": c.id, "data-muted": muted ? "true" : "false", "aria-current": c.id === app.activeId ? "true" : "false",
          "aria-label": label, onclick: () => void app.open(c.id),
        },
          h("span", { class: `avatar ${s.kind}`, "aria-hidden": "true" }, title.slice(0, 1).toUpperCase(),
            peer ? h("span", { class: `dot ${presence?.status ?? "unknown"}`, "data-presence": presence?.status ?? "unknown" }) : null),
          h("span", { class: "conversation-text" },
            h("span", { class: "conversation-title" }, title,
              muted ? h("span", { class: "muted-icon", "aria-hidden": "true", title: "Muted" }, " 🔕") : null),
            h("span", { class: `conversation-preview${typing.length ? " typing" : ""}` }, preview)),
          h("span", { class: "conversation-meta" },
            h("time", { datetime: s.lastActivity }, time(s.lastActivity)),
            unread ? h("span", { class: "badge", "data-unread": unread }, String(unread)) : null)));
    }));
    if (focusedId) (this.list.querySelector(`[data-conversation-id="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
  }

  private clearSearch(): void {
    if (!this.searching) return;
    this.searching = false;
    this.results.hidden = true;
    this.list.hidden = false;
    clear(this.results);
  }

  private async search(): Promise<void> {
    const q = this.searchInput.value.trim();
    if (!q) { this.clearSearch(); return; }
    this.searching = true;
    this.list.hidden = true;
    this.results.hidden = false;
    clear(this.results, h("p", { role: "status" }, "Searching…"));
    let hits: SearchHit[];
    let total = 0;
    try {
      const answer = await this.app.api.search(q);
      hits = answer.hits;
      total = answer.totalHits;
    } catch (error) {
      clear(this.results, h("p", { role: "alert" }, error instanceof ApiError ? error.message : "Search failed."));
      return;
    }
    const close = h("button", { type: "button", class: "link", onclick: () => { this.searchInput.value = ""; this.clearSearch(); this.searchInput.focus(); } }, "Clear search");
    clear(this.results,
      h("p", { role: "status", class: "results-count" }, `${total} ${total === 1 ? "message" : "messages"} found for “${q}”`, " ", close),
      h("ul", { class: "hits" }, ...hits.map(hit => {
        const c = this.app.conversations.get(hit.conversationId);
        const snippet = h("p", { class: "hit-text" });
        // The server HTML-escapes everything but its <mark> tags (§12.12), so the fragment is safe as HTML.
        snippet.innerHTML = hit.highlight;
        return h("li", {},
          h("button", { type: "button", class: "hit", "data-seq": hit.seq, onclick: () => void this.app.open(hit.conversationId, hit.seq) },
            h("span", { class: "hit-meta" }, `${c && c.summary.kind === "group" ? `${this.app.titleOf(c)} · ` : ""}${this.app.nameOf(hit.senderId)} · `,
              h("time", { datetime: hit.sentAt }, time(hit.sentAt))),
            snippet));
      })));
  }
}
