// The page's address names the open chat (#/c/<conversation id>, optionally ?seq=<n> to scroll to a message), so a
// reload reopens it and a clicked notification (service-worker.ts builds the same form) opens the chat it is about.

export interface ChatAddress {
  conversationId: string;
  seq?: number;
}

export function addressOf(conversationId: string, seq?: number): string {
  return `#/c/${encodeURIComponent(conversationId)}${seq === undefined ? "" : `?seq=${seq}`}`;
}

export function readAddress(hash: string): ChatAddress | null {
  const match = /^#\/c\/([^?]+)(?:\?seq=(\d+))?$/.exec(hash);
  if (!match) return null;
  let conversationId: string;
  try { conversationId = decodeURIComponent(match[1]!); } catch { return null; }
  return match[2] === undefined ? { conversationId } : { conversationId, seq: Number(match[2]) };
}

/** Replaces the address without a navigation or a history entry (the Back button of the page stays the app's). */
export function showAddress(address: ChatAddress | null): void {
  const hash = address ? addressOf(address.conversationId, address.seq) : "";
  if (location.hash !== hash) history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
}
