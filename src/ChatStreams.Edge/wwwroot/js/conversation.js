export class Conversation {
    summary;
    me;
    messages = new Map();
    notices = new Map();
    held = new Set();
    /** Positions at or below `base` are the REST history's to provide (loaded on demand), not the socket's. */
    base;
    /** Highest seq with every position between `base` and it held: the resume cursor (§8.1). */
    cursor;
    oldestLoaded = null;
    hasMoreHistory = true;
    historyLoaded = false;
    /** Receipt marks of members, as far as receipt frames told us (§6.3). */
    marks = new Map();
    readByAll = 0;
    deliveredToAll = 0;
    /** The highest receipts this device sent, so each is sent once. */
    sentRead = 0;
    sentDelivered = 0;
    typing = new Map();
    constructor(summary, me, startAt) {
        this.summary = summary;
        this.me = me;
        this.base = startAt ?? summary.lastSeq;
        this.cursor = this.base;
        this.sentRead = summary.readSeq;
        this.sentDelivered = summary.deliveredSeq;
        if (summary.lastMessage)
            this.summary.lastMessage = summary.lastMessage;
    }
    get id() {
        return this.summary.conversationId;
    }
    has(seq) {
        return this.held.has(seq);
    }
    /** Applies one sequenced frame; a position already held is ignored (returns none). */
    apply(frame) {
        if (this.held.has(frame.seq))
            return { kind: "none" };
        this.held.add(frame.seq);
        while (this.held.has(this.cursor + 1))
            this.cursor++;
        if (frame.seq > this.summary.lastSeq)
            this.summary.lastSeq = frame.seq;
        const at = (frame["sentAt"] ?? frame["at"]);
        if (at && (!this.summary.lastActivity || at > this.summary.lastActivity))
            this.summary.lastActivity = at;
        switch (frame.type) {
            case "message": {
                const m = frame;
                const message = {
                    seq: m.seq, messageId: m.messageId, clientId: m.id, senderId: m.senderId, body: m.body ?? "", sentAt: m.sentAt,
                    attachments: m.attachments ?? [], edited: !!m.edited, deleted: !!m.deleted, reactions: new Map(),
                    decryptError: frame["decryptError"],
                };
                for (const [emoji, users] of Object.entries(m.reactions ?? {}))
                    message.reactions.set(emoji, new Set(users));
                this.messages.set(m.seq, message);
                if (!this.summary.lastMessage || m.seq >= this.summary.lastMessage.seq)
                    this.summary.lastMessage = m;
                return { kind: "message", seq: m.seq };
            }
            case "edited": {
                const target = this.messages.get(frame["targetSeq"]);
                if (!target || target.deleted)
                    return { kind: "none" };
                target.body = frame["body"];
                target.edited = true;
                this.refreshLast(target);
                return { kind: "message", seq: target.seq };
            }
            case "deleted": {
                // A deletion also blanks what live frames delivered before it (§14): the text must not stay on screen.
                const target = this.messages.get(frame["targetSeq"]);
                if (!target)
                    return { kind: "none" };
                target.deleted = true;
                target.body = "";
                target.attachments = [];
                this.refreshLast(target);
                return { kind: "message", seq: target.seq };
            }
            case "reaction": {
                const target = this.messages.get(frame["targetSeq"]);
                if (!target)
                    return { kind: "none" };
                const emoji = frame["emoji"];
                const users = target.reactions.get(emoji) ?? new Set();
                if (frame["action"] === "remove")
                    users.delete(frame["userId"]);
                else
                    users.add(frame["userId"]);
                if (users.size === 0)
                    target.reactions.delete(emoji);
                else
                    target.reactions.set(emoji, users);
                return { kind: "message", seq: target.seq };
            }
            case "member_added": {
                const userId = frame["userId"];
                if (!this.summary.members.some(m => m.userId === userId))
                    this.summary.members.push({ userId, role: frame["role"] ?? "member" });
                if (userId === this.me)
                    this.summary.isMember = true;
                this.notices.set(frame.seq, { seq: frame.seq, type: "member_added", userId, by: frame["by"], at: frame["at"] });
                return { kind: "members", seq: frame.seq };
            }
            case "member_removed": {
                const userId = frame["userId"];
                this.summary.members = this.summary.members.filter(m => m.userId !== userId);
                if (userId === this.me)
                    this.summary.isMember = false;
                this.notices.set(frame.seq, { seq: frame.seq, type: "member_removed", userId, by: frame["by"], at: frame["at"] });
                return { kind: "members", seq: frame.seq };
            }
            case "conversation": {
                const by = frame["createdBy"];
                this.notices.set(frame.seq, { seq: frame.seq, type: "conversation", userId: by, by, at: frame["at"] });
                return { kind: "members", seq: frame.seq };
            }
            default:
                // Any type this client does not know: the position counts as held.
                return { kind: "none" };
        }
    }
    /** Drops positions above what the server says this socket stands at (§8.4: `resumed` lower than sent). */
    truncateAbove(seq) {
        if (seq >= this.cursor)
            return;
        for (const s of [...this.held])
            if (s > seq) {
                this.held.delete(s);
                this.messages.delete(s);
                this.notices.delete(s);
            }
        this.cursor = seq;
    }
    refreshLast(message) {
        const last = this.summary.lastMessage;
        if (last && last.seq === message.seq)
            this.summary.lastMessage = { ...last, body: message.body, deleted: message.deleted };
    }
    applyReceipt(userId, seq, status, readByAll, deliveredToAll) {
        const mark = this.marks.get(userId) ?? { delivered: 0, read: 0 };
        if (status === "read") {
            mark.read = Math.max(mark.read, seq);
            mark.delivered = Math.max(mark.delivered, seq);
        }
        else
            mark.delivered = Math.max(mark.delivered, seq);
        this.marks.set(userId, mark);
        this.readByAll = Math.max(this.readByAll, readByAll ?? 0);
        this.deliveredToAll = Math.max(this.deliveredToAll, deliveredToAll ?? 0);
        if (userId === this.me && status === "read")
            this.markReadLocally(seq);
    }
    markReadLocally(seq) {
        if (seq <= this.summary.readSeq)
            return;
        this.summary.readSeq = seq;
        this.summary.unread = [...this.messages.values()].filter(m => m.seq > seq && m.senderId !== this.me && !m.deleted).length;
    }
    /** Ticks of an own message: read / delivered once every other member is past it. */
    statusOf(seq) {
        const others = this.summary.members.filter(m => m.userId !== this.me);
        const min = (pick) => others.length === 0 ? 0 : Math.min(...others.map(m => pick(this.marks.get(m.userId) ?? { delivered: 0, read: 0 })));
        if (seq <= Math.max(this.readByAll, min(m => m.read)))
            return "read";
        if (seq <= Math.max(this.deliveredToAll, min(m => m.delivered)))
            return "delivered";
        return "sent";
    }
    /** Newest message seq held (for read receipts). */
    get newestMessageSeq() {
        let newest = 0;
        for (const seq of this.messages.keys())
            newest = Math.max(newest, seq);
        return newest;
    }
}
