// Sends not yet confirmed by their `message` frame (§7.1). Kept in sessionStorage so a reload resends them with
// the same client id, which the sequencer deduplicates.
import type { Attachment } from "./types.js";

export interface PendingSend {
  id: string;
  conversationId: string;
  body: string;
  attachments: string[];
  preview: Attachment[];
  createdAt: string;
  failed?: string;
}

const KEY = "chatstreams.pending";

export class PendingSends {
  private readonly items = new Map<string, PendingSend>();

  constructor() {
    try {
      for (const item of JSON.parse(sessionStorage.getItem(KEY) ?? "[]") as PendingSend[]) this.items.set(item.id, item);
    } catch { /* a damaged entry is dropped */ }
  }

  add(item: PendingSend): void { this.items.set(item.id, item); this.save(); }
  get(id: string): PendingSend | undefined { return this.items.get(id); }
  remove(id: string): boolean { const had = this.items.delete(id); if (had) this.save(); return had; }
  all(): PendingSend[] { return [...this.items.values()]; }
  of(conversationId: string): PendingSend[] { return this.all().filter(p => p.conversationId === conversationId); }

  fail(id: string, reason: string): void {
    const item = this.items.get(id);
    if (item) { item.failed = reason; this.save(); }
  }

  private save(): void {
    sessionStorage.setItem(KEY, JSON.stringify(this.all()));
  }
}
