import { h, time } from "./dom.js";
const HOUR_MS = 3_600_000;
export class MuteMenu {
    app;
    report;
    element;
    button;
    menu;
    unmuteItem;
    conversationId = null;
    constructor(app, report) {
        this.app = app;
        this.report = report;
        this.button = h("button", {
            type: "button", id: "mute-button", class: "mute-button", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": "mute-menu",
            onclick: () => this.menu.hidden ? this.openMenu() : this.closeMenu(true),
        });
        this.button.addEventListener("keydown", e => { if (e.key === "ArrowDown") {
            e.preventDefault();
            this.openMenu();
        } });
        const item = (label, choose) => h("button", {
            type: "button", role: "menuitem", tabindex: "-1", onclick: () => void this.choose(choose),
        }, label);
        this.unmuteItem = item("Unmute", () => this.app.api.unmute(this.conversationId));
        this.menu = h("div", { id: "mute-menu", class: "menu", role: "menu", "aria-labelledby": "mute-button", hidden: true }, item("Mute for 1 hour", () => this.app.api.mute(this.conversationId, inHours(1))), item("Mute for 8 hours", () => this.app.api.mute(this.conversationId, inHours(8))), item("Mute until I turn it back on", () => this.app.api.mute(this.conversationId)), this.unmuteItem);
        this.menu.addEventListener("keydown", e => this.onMenuKey(e));
        this.menu.addEventListener("focusout", e => { if (!this.element.contains(e.relatedTarget))
            this.closeMenu(false); });
        this.element = h("div", { class: "mute" }, this.button, this.menu);
        this.render();
    }
    /** A chat was opened: show what is known at once, then the server's state. */
    async show(conversationId) {
        this.conversationId = conversationId;
        this.closeMenu(false);
        this.render();
        try {
            const state = await this.app.api.muteState(conversationId);
            this.app.setMute(state);
        }
        catch (error) {
            if (this.conversationId === conversationId)
                this.report(`Could not read whether this chat is muted: ${messageOf(error)}`);
        }
    }
    render() {
        const id = this.conversationId;
        const muted = id !== null && this.app.isMuted(id);
        const until = id === null ? null : this.app.mutes.get(id) ?? null;
        this.button.dataset["muted"] = String(muted);
        this.button.title = muted ? "Notifications for this chat are muted" : "Mute notifications for this chat";
        this.button.replaceChildren(h("span", { "aria-hidden": "true" }, muted ? "🔕 " : "🔔 "), 
        // On a phone only the icon shows; the words stay for screen readers.
        h("span", { class: "wide-only" }, muted ? (until ? `Muted until ${time(until)}` : "Muted") : "Mute"));
        this.unmuteItem.hidden = !muted;
    }
    async choose(request) {
        this.closeMenu(true);
        try {
            const state = await request();
            this.app.setMute(state);
            this.report(state.muted ? (state.until ? `Muted until ${time(state.until)}.` : "Muted until you unmute it.") : "Unmuted: new messages notify you again.");
        }
        catch (error) {
            this.report(`Could not change the mute: ${messageOf(error)}`);
        }
    }
    items() {
        return [...this.menu.querySelectorAll("[role=menuitem]")].filter(b => !b.hidden);
    }
    openMenu() {
        this.menu.hidden = false;
        this.button.setAttribute("aria-expanded", "true");
        this.items()[0]?.focus();
    }
    closeMenu(focusButton) {
        if (this.menu.hidden)
            return;
        this.menu.hidden = true;
        this.button.setAttribute("aria-expanded", "false");
        if (focusButton)
            this.button.focus();
    }
    onMenuKey(e) {
        const items = this.items();
        const at = items.indexOf(document.activeElement);
        const move = (to) => { e.preventDefault(); items[(to + items.length) % items.length]?.focus(); };
        if (e.key === "ArrowDown")
            move(at + 1);
        else if (e.key === "ArrowUp")
            move(at - 1);
        else if (e.key === "Home")
            move(0);
        else if (e.key === "End")
            move(items.length - 1);
        else if (e.key === "Escape") {
            e.preventDefault();
            this.closeMenu(true);
        }
        else if (e.key === "Tab")
            this.closeMenu(false);
    }
}
function inHours(hours) {
    return new Date(Date.now() + hours * HOUR_MS).toISOString();
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
