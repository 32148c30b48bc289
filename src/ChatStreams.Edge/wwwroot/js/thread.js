// The chat view: history with infinite scroll back (REST pages), live messages, ticks, typing, edit/delete/react,
// attachments, and the composer.
import { isEncryptedConversation, openSafetyNumberDialog } from "./e2e-chat.js";
import { ApiError } from "./api.js";
import { renderAttachments, uploadAndSend } from "./attachments.js";
import { openMembersDialog } from "./dialogs.js";
import { clear, h, time } from "./dom.js";
import { MuteMenu } from "./mute-menu.js";
const REACTIONS = ["👍", "❤️", "😂"];
const TICK_LABEL = { pending: "Sending", sent: "Sent", delivered: "Delivered", read: "Read" };
const TICK_TEXT = { pending: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓" };
export class ThreadView {
    app;
    element;
    title;
    subtitle;
    messages;
    pendingList;
    scroller;
    olderButton;
    typingLine;
    statusLine;
    input;
    fileInput;
    membersButton;
    muteMenu;
    safetyButton;
    attachLabel;
    conversation = null;
    rows = new Map();
    loadingOlder = false;
    constructor(app) {
        this.app = app;
        this.title = h("h2", { id: "thread-title", tabindex: "-1" }, "");
        this.subtitle = h("p", { class: "thread-subtitle", "data-testid": "presence" });
        this.membersButton = h("button", { type: "button", onclick: () => this.conversation && openMembersDialog(this.app, this.conversation) }, "Members");
        this.muteMenu = new MuteMenu(app, text => { this.showStatus(text); this.app.announce(text); });
        this.safetyButton = h("button", { type: "button", class: "encrypted", title: "End-to-end encrypted: verify safety numbers",
            onclick: () => this.conversation && void openSafetyNumberDialog(this.app, this.conversation) }, "🔒 Verify");
        this.olderButton = h("button", { type: "button", class: "link older", onclick: () => void this.loadOlder() }, "Load older messages");
        this.messages = h("ol", { class: "messages", "aria-label": "Messages" });
        this.pendingList = h("ol", { class: "messages pending", "aria-label": "Messages being sent" });
        // role=log: screen readers announce appended messages politely without moving focus.
        this.scroller = h("div", { class: "scroller", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-labelledby": "thread-title" }, this.olderButton, this.messages, this.pendingList);
        this.scroller.addEventListener("scroll", () => { if (this.scroller.scrollTop < 80)
            void this.loadOlder(); });
        this.typingLine = h("p", { class: "typing", "aria-live": "polite", "data-testid": "typing" });
        this.statusLine = h("p", { class: "composer-status", role: "status" });
        this.input = h("textarea", { id: "composer", rows: 1, placeholder: "Write a message", maxlength: 16384 });
        this.input.addEventListener("keydown", e => {
            if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                this.submit();
            }
        });
        this.input.addEventListener("input", () => { if (this.conversation && this.input.value)
            this.app.typed(this.conversation.id); });
        this.fileInput = h("input", { type: "file", id: "attach", class: "visually-hidden", accept: "image/*,application/pdf,text/plain,*/*" });
        this.fileInput.addEventListener("change", () => void this.attach());
        this.attachLabel = h("label", { for: "attach", class: "attach", title: "Attach an image or file" }, h("span", { "aria-hidden": "true" }, "📎"), h("span", { class: "visually-hidden" }, "Attach an image or file"), this.fileInput);
        const composer = h("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); this.submit(); } }, this.attachLabel, h("label", { for: "composer", class: "visually-hidden" }, "Message"), this.input, h("button", { type: "submit", class: "primary" }, "Send"));
        this.element = h("main", { class: "thread", "aria-labelledby": "thread-title", hidden: true }, h("header", { class: "thread-header" }, h("button", { type: "button", class: "back", "aria-label": "Back to conversations", onclick: () => this.app.closeThread() }, "←"), h("div", { class: "thread-heading" }, this.title, this.subtitle), this.muteMenu.element, this.safetyButton, this.membersButton), this.scroller, this.typingLine, composer, this.statusLine);
    }
    async show(c, focusSeq) {
        const switched = this.conversation !== c;
        this.conversation = c;
        this.element.hidden = false;
        if (switched) {
            this.rows.clear();
            clear(this.messages);
            this.input.value = "";
            this.statusLine.textContent = "";
            this.refreshHeader();
            this.refreshTyping();
            for (const m of c.messages.values())
                this.upsert(m);
            for (const n of c.notices.values())
                this.place(n.seq, this.noticeRow(n));
            this.refreshPending();
            this.updateOlderButton();
            void this.muteMenu.show(c.id);
        }
        if (!c.historyLoaded)
            await this.loadNewest(c);
        this.scrollToBottom();
        if (focusSeq !== undefined)
            await this.reveal(focusSeq);
        else if (this.conversation === c)
            this.input.focus();
    }
    hide() {
        this.conversation = null;
        this.element.hidden = true;
    }
    showStatus(text) {
        this.statusLine.textContent = text;
    }
    refreshHeader() {
        const c = this.conversation;
        if (!c)
            return;
        this.title.textContent = this.app.titleOf(c);
        const peer = this.app.peerOf(c);
        if (peer) {
            const p = this.app.presence.get(peer);
            const text = p?.status === "online" ? "Online" : p?.lastSeen ? `Last seen ${time(p.lastSeen)}` : "Offline";
            clear(this.subtitle, h("span", { class: `dot ${p?.status ?? "unknown"}`, "aria-hidden": "true" }), text);
            this.subtitle.dataset["presence"] = p?.status ?? "unknown";
        }
        else {
            const names = c.summary.members.map(m => this.app.nameOf(m.userId));
            clear(this.subtitle, `${c.summary.members.length} members: ${names.join(", ")}`);
        }
        this.membersButton.hidden = false;
        // Encrypted conversations: safety numbers to verify, and no attachments (they would reach the server in plaintext).
        this.safetyButton.hidden = !isEncryptedConversation(c.id);
        this.attachLabel.hidden = isEncryptedConversation(c.id);
    }
    refreshMute() {
        this.muteMenu.render();
    }
    refreshTyping() {
        const c = this.conversation;
        if (!c)
            return;
        const who = [...c.typing.keys()].map(u => this.app.nameOf(u));
        this.typingLine.textContent = who.length === 0 ? "" : `${who.join(", ")} ${who.length === 1 ? "is" : "are"} typing…`;
    }
    refreshAll() {
        if (!this.conversation)
            return;
        this.refreshHeader();
        for (const m of this.conversation.messages.values())
            this.upsert(m);
        for (const n of this.conversation.notices.values())
            this.place(n.seq, this.noticeRow(n));
    }
    refreshTicks() {
        const c = this.conversation;
        if (!c)
            return;
        for (const [seq, row] of this.rows) {
            const m = c.messages.get(seq);
            if (m && m.senderId === this.app.session.userId)
                this.setTicks(row, c.statusOf(seq));
        }
    }
    refreshPending() {
        const c = this.conversation;
        if (!c)
            return;
        clear(this.pendingList, ...this.app.pending.of(c.id).map(p => this.pendingRow(p)));
    }
    onChange(change) {
        const c = this.conversation;
        if (!c)
            return;
        if (change.kind === "message") {
            const nearBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 120;
            this.upsert(c.messages.get(change.seq));
            this.refreshPending();
            this.refreshTyping();
            if (nearBottom)
                this.scrollToBottom();
        }
        else if (change.kind === "members") {
            const notice = c.notices.get(change.seq);
            if (notice)
                this.place(notice.seq, this.noticeRow(notice));
            this.refreshHeader();
        }
    }
    // ---- history ---------------------------------------------------------------------------------------------------
    async loadNewest(c) {
        try {
            const page = await this.app.api.history(c.id);
            this.applyPage(c, page.items, page.hasMore);
            c.historyLoaded = true;
        }
        catch (error) {
            this.showStatus(error instanceof ApiError ? error.message : "Could not load the history.");
        }
    }
    async loadOlder() {
        const c = this.conversation;
        if (!c || this.loadingOlder || !c.historyLoaded || !c.hasMoreHistory || c.oldestLoaded === null)
            return;
        this.loadingOlder = true;
        this.olderButton.textContent = "Loading…";
        const before = this.scroller.scrollHeight;
        try {
            const page = await this.app.api.history(c.id, c.oldestLoaded);
            if (this.conversation !== c)
                return;
            this.applyPage(c, page.items, page.hasMore);
            // Keep what the reader was looking at in place while older messages appear above it.
            this.scroller.scrollTop += this.scroller.scrollHeight - before;
        }
        catch (error) {
            this.showStatus(error instanceof ApiError ? error.message : "Could not load older messages.");
        }
        finally {
            this.loadingOlder = false;
            this.updateOlderButton();
        }
    }
    applyPage(c, items, hasMore) {
        const sorted = [...items].sort((a, b) => a.seq - b.seq);
        for (const item of sorted) {
            const change = c.apply(item);
            if (change.kind === "message" && this.conversation === c)
                this.upsert(c.messages.get(change.seq));
            if (change.kind === "members" && this.conversation === c && c.notices.has(change.seq))
                this.place(change.seq, this.noticeRow(c.notices.get(change.seq)));
        }
        if (sorted.length > 0)
            c.oldestLoaded = Math.min(c.oldestLoaded ?? Infinity, sorted[0].seq);
        c.hasMoreHistory = hasMore && (c.oldestLoaded ?? 2) > 1;
        if (this.conversation === c) {
            this.updateOlderButton();
            this.refreshPending();
            this.refreshHeader();
        }
    }
    updateOlderButton() {
        const c = this.conversation;
        this.olderButton.hidden = !c || !c.hasMoreHistory || !c.historyLoaded;
        this.olderButton.textContent = "Load older messages";
    }
    /** Scrolls to a message (a search hit), paging back through history until it is loaded. */
    async reveal(seq) {
        const c = this.conversation;
        for (let i = 0; c && !this.rows.has(seq) && c.hasMoreHistory && i < 20; i++)
            await this.loadOlder();
        const row = this.rows.get(seq);
        if (!row) {
            this.showStatus("That message is no longer available.");
            return;
        }
        row.scrollIntoView({ block: "center" });
        row.classList.add("flash");
        row.focus();
        window.setTimeout(() => row.classList.remove("flash"), 2500);
    }
    scrollToBottom() {
        this.scroller.scrollTop = this.scroller.scrollHeight;
    }
    // ---- rows ------------------------------------------------------------------------------------------------------
    upsert(m) {
        this.place(m.seq, this.messageRow(m));
    }
    /** Puts a row at its seq's place: history pages arrive above, live frames below, redraws in place. */
    place(seq, row) {
        const old = this.rows.get(seq);
        this.rows.set(seq, row);
        if (old) {
            old.replaceWith(row);
            return;
        }
        let next = null;
        for (const [s, el] of this.rows)
            if (s > seq && (!next || s < Number(next.dataset["seq"])))
                next = el;
        if (next)
            this.messages.insertBefore(row, next);
        else
            this.messages.append(row);
    }
    noticeRow(n) {
        const who = (id) => this.app.nameOf(id);
        const text = n.type === "conversation" ? `${who(n.by)} started the conversation`
            : n.type === "member_added" ? `${who(n.by)} added ${n.userId === this.app.session.userId ? "you" : who(n.userId)}`
                : n.by === n.userId ? `${who(n.userId)} left` : `${who(n.by)} removed ${n.userId === this.app.session.userId ? "you" : who(n.userId)}`;
        return h("li", { class: "notice", "data-seq": n.seq }, text, " · ", h("time", { datetime: n.at }, time(n.at)));
    }
    messageRow(m) {
        const c = this.conversation;
        const mine = m.senderId === this.app.session.userId;
        const row = h("li", { class: `message${mine ? " mine" : ""}${m.deleted ? " deleted" : ""}`, "data-seq": m.seq, "data-client-id": m.clientId, tabindex: "-1" });
        const body = m.deleted
            ? h("p", { class: "body" }, h("em", {}, "This message was deleted"))
            : m.decryptError ? h("p", { class: "body decrypt-error", role: "alert" }, h("em", {}, m.decryptError))
                : h("p", { class: "body" }, m.body, m.edited ? h("span", { class: "edited" }, " (edited)") : null);
        const reactions = [...m.reactions.entries()].map(([emoji, users]) => {
            const pressed = users.has(this.app.session.userId);
            return h("button", {
                type: "button", class: "reaction", "aria-pressed": pressed ? "true" : "false",
                "aria-label": `${emoji} ${users.size}, by ${[...users].map(u => this.app.nameOf(u)).join(", ")}`,
                onclick: () => this.app.command({ type: "react", conversationId: c.id, seq: m.seq, emoji, action: pressed ? "remove" : "add" }),
            }, `${emoji} ${users.size}`);
        });
        row.append(h("div", { class: "meta" }, h("span", { class: "sender" }, mine ? "You" : this.app.nameOf(m.senderId)), " ", h("time", { datetime: m.sentAt }, time(m.sentAt))), body, m.deleted ? "" : renderAttachments(this.app.api, m.attachments), reactions.length ? h("div", { class: "reactions" }, reactions) : "", m.deleted ? "" : this.actions(c, m, mine));
        if (mine) {
            row.append(h("span", { class: "ticks" }));
            this.setTicks(row, c.statusOf(m.seq));
        }
        return row;
    }
    setTicks(row, status) {
        row.dataset["status"] = status;
        const ticks = row.querySelector(".ticks");
        if (!ticks)
            return;
        ticks.textContent = TICK_TEXT[status];
        ticks.setAttribute("aria-label", TICK_LABEL[status]);
        ticks.setAttribute("title", TICK_LABEL[status]);
        ticks.className = `ticks ${status}`;
    }
    actions(c, m, mine) {
        const bar = h("div", { class: "actions", role: "group", "aria-label": "Message actions" }, ...REACTIONS.map(emoji => h("button", {
            type: "button", class: "icon", "aria-label": `React with ${emoji}`,
            onclick: () => this.app.command({ type: "react", conversationId: c.id, seq: m.seq, emoji }),
        }, emoji)));
        const admin = c.summary.kind === "group" && c.summary.members.some(x => x.userId === this.app.session.userId && x.role === "admin");
        if (mine)
            bar.append(h("button", { type: "button", class: "link", onclick: () => this.edit(c, m) }, "Edit"));
        if (mine || admin)
            bar.append(h("button", {
                type: "button", class: "link danger",
                onclick: () => { if (confirm("Delete this message for everyone?"))
                    this.app.command({ type: "delete", conversationId: c.id, seq: m.seq }); },
            }, "Delete"));
        return bar;
    }
    edit(c, m) {
        const row = this.rows.get(m.seq);
        const body = row?.querySelector(".body");
        if (!row || !body)
            return;
        const field = h("textarea", { class: "edit-field", "aria-label": "Edit message", rows: 2 });
        field.value = m.body;
        const save = () => {
            const text = field.value.trim();
            if (text && text !== m.body)
                this.app.command({ type: "edit", conversationId: c.id, seq: m.seq, body: text });
            this.upsert(m);
            this.input.focus();
        };
        field.addEventListener("keydown", e => {
            if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                save();
            }
            if (e.key === "Escape") {
                this.upsert(m);
                this.input.focus();
            }
        });
        body.replaceWith(h("div", { class: "edit" }, field, h("button", { type: "button", class: "primary", onclick: save }, "Save"), h("button", { type: "button", class: "link", onclick: () => { this.upsert(m); this.input.focus(); } }, "Cancel")));
        field.focus();
    }
    pendingRow(p) {
        const row = h("li", { class: `message mine pending${p.failed ? " failed" : ""}`, "data-client-id": p.id, "data-status": p.failed ? "failed" : "pending" }, h("div", { class: "meta" }, h("span", { class: "sender" }, "You"), " ", h("time", { datetime: p.createdAt }, time(p.createdAt))), h("p", { class: "body" }, p.body), p.preview.length ? h("p", { class: "attachment-names" }, p.preview.map(a => `📎 ${a.fileName ?? a.mediaId}`).join(", ")) : null, p.failed
            ? h("p", { class: "error" }, `Not sent: ${p.failed} `, h("button", { type: "button", class: "link", onclick: () => { this.app.pending.remove(p.id); this.refreshPending(); } }, "Dismiss"))
            : h("span", { class: "ticks pending", "aria-label": "Sending", title: "Sending" }, TICK_TEXT.pending));
        return row;
    }
    // ---- composer --------------------------------------------------------------------------------------------------
    submit() {
        const c = this.conversation;
        const text = this.input.value.trim();
        if (!c || !text)
            return;
        this.app.stopTyping(c.id);
        this.app.send(c.id, text);
        this.input.value = "";
        this.scrollToBottom();
        this.input.focus();
    }
    async attach() {
        const c = this.conversation;
        const file = this.fileInput.files?.[0];
        this.fileInput.value = "";
        if (!c || !file)
            return;
        this.showStatus(`Uploading ${file.name}…`);
        const message = await uploadAndSend(this.app, c.id, file, this.input.value.trim());
        this.showStatus(message);
        if (message.startsWith("Sent"))
            this.input.value = "";
        this.input.focus();
    }
}
