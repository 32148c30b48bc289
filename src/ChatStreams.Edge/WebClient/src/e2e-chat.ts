// Where end-to-end encryption meets the chat screens: which conversations are encrypted, decrypting frames and
// history pages before they are applied, searching decrypted text on this device, and the safety-number view.
import type { Api, HistoryPage } from "./api.js";
import type { ChatApp } from "./chat-app.js";
import type { Conversation } from "./conversation.js";
import { DecryptionError, type EndToEnd } from "./e2e-device.js";
import { h } from "./dom.js";
import type { SearchHit, SequencedFrame } from "./types.js";

/** Encrypted conversations have ids of their own shape (the server refuses plaintext to them by the id). */
export function isEncryptedConversation(conversationId: string): boolean {
  return conversationId.startsWith("e2e-");
}

/**
 * Replaces an encrypted message frame's ciphertext with its text, or marks it undecryptable: a message that fails
 * authentication is never shown, only the error is.
 */
export async function reveal(e2e: EndToEnd | null, frame: SequencedFrame): Promise<void> {
  if (frame.type !== "message" || typeof frame["ciphertext"] !== "string") return;
  const ciphertext = frame["ciphertext"] as string;
  delete frame["ciphertext"];
  frame["body"] = "";
  if (frame["deleted"]) return;
  if (!e2e) { frame["decryptError"] = "Encryption is not available in this browser, so this message cannot be read."; return; }
  try {
    const decrypted = await e2e.decryptMessage({
      conversationId: frame.conversationId, seq: frame.seq, senderId: frame["senderId"] as string,
      id: frame["id"] as string | undefined, ciphertext, sentAt: frame["sentAt"] as string | undefined,
    });
    frame["body"] = decrypted.body;
  } catch (error) {
    frame["decryptError"] = `This message could not be decrypted: ${error instanceof DecryptionError ? error.message : "unexpected error"}.`;
  }
}

/** History pages of encrypted conversations come back decrypted (oldest first, as a ratchet expects). */
export function decryptHistoryPages(api: Api, e2e: () => EndToEnd | null): void {
  const history = api.history.bind(api);
  api.history = async (id: string, before?: number, limit?: number): Promise<HistoryPage> => {
    const page = await history(id, before, limit);
    if (isEncryptedConversation(id)) for (const item of [...page.items].sort((a, b) => a.seq - b.seq)) await reveal(e2e(), item);
    return page;
  };
}

/** The server cannot search encrypted text: hits from this device's decrypted messages are added to its answer. */
export function searchDecryptedToo(api: Api, e2e: () => EndToEnd | null): void {
  const search = api.search.bind(api);
  api.search = async (q: string) => {
    const [server, local] = await Promise.all([search(q), e2e()?.search(q) ?? Promise.resolve([])]);
    const hits: SearchHit[] = local.map(m => ({ conversationId: m.conversationId, seq: m.seq, senderId: m.senderId, sentAt: m.sentAt, highlight: highlight(m.body, q) }));
    return { hits: [...hits, ...server.hits], totalHits: server.totalHits + hits.length };
  };
}

function highlight(text: string, query: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).map(w => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return text.split(new RegExp(`(${words.join("|")})`, "i")).map((part, i) => i % 2 === 1 ? `<mark>${escape(part)}</mark>` : escape(part)).join("");
}

/** Shows the safety number with each other member, to compare in person or over another channel. */
export async function openSafetyNumberDialog(app: ChatApp, c: Conversation): Promise<void> {
  const list = h("ul", { class: "safety-numbers" });
  const dialog = h("dialog", { class: "dialog", id: "safety-number", "aria-labelledby": "safety-number-title" },
    h("header", {}, h("h2", { id: "safety-number-title" }, "Verify encryption"),
      h("button", { type: "button", class: "link", "aria-label": "Close", onclick: () => dialog.close() }, "✕")),
    h("p", { class: "hint" }, "Compare these numbers with each person. If they match on both screens, nobody — not even the server — can read this conversation."),
    list);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const e2e = app.e2e;
  for (const m of c.summary.members.filter(m => m.userId !== app.session.userId)) {
    const digits = e2e ? await e2e.safetyNumber(m.userId).catch(() => "unavailable") : "unavailable";
    list.append(h("li", { "data-user-id": m.userId }, h("span", {}, app.nameOf(m.userId)), " ", h("code", { class: "safety-digits" }, digits)));
  }
}
