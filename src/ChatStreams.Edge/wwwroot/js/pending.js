const KEY = "chatstreams.pending";
export class PendingSends {
    items = new Map();
    constructor() {
        try {
            for (const item of JSON.parse(sessionStorage.getItem(KEY) ?? "[]"))
                this.items.set(item.id, item);
        }
        catch { /* a damaged entry is dropped */ }
    }
    add(item) { this.items.set(item.id, item); this.save(); }
    get(id) { return this.items.get(id); }
    remove(id) { const had = this.items.delete(id); if (had)
        this.save(); return had; }
    all() { return [...this.items.values()]; }
    of(conversationId) { return this.all().filter(p => p.conversationId === conversationId); }
    fail(id, reason) {
        const item = this.items.get(id);
        if (item) {
            item.failed = reason;
            this.save();
        }
    }
    save() {
        sessionStorage.setItem(KEY, JSON.stringify(this.all()));
    }
}
