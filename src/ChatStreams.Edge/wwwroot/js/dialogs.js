// Modal dialogs (native <dialog>: focus moves in, Escape closes, focus returns to the opener): starting a direct
// chat or a group, and managing a group's members.
import { ApiError } from "./api.js";
import { clear, h } from "./dom.js";
export function modal(title, id, ...content) {
    const opener = document.activeElement;
    const dialog = h("dialog", { "aria-labelledby": `${id}-title`, class: "dialog", id });
    const close = () => dialog.close();
    dialog.append(h("header", {}, h("h2", { id: `${id}-title` }, title), h("button", { type: "button", class: "link", "aria-label": "Close", onclick: close }, "✕")), ...content);
    // Focus returns to the opener unless an action already moved it on (opening a chat focuses its composer).
    dialog.addEventListener("close", () => {
        dialog.remove();
        if (document.activeElement === document.body || document.activeElement === null)
            opener?.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    return { dialog, close };
}
/** A user search field with results; `pick` is called with the chosen profile. */
function userPicker(app, id, label, pick, exclude) {
    const input = h("input", { type: "search", id, autocomplete: "off", placeholder: "Name or username" });
    const results = h("ul", { class: "user-results", "aria-label": "People found" });
    const status = h("p", { class: "hint", role: "status" });
    let timer;
    const run = async () => {
        const q = input.value.trim();
        if (!q) {
            clear(results);
            status.textContent = "";
            return;
        }
        try {
            const found = (await app.api.findUsers(q)).filter(p => !exclude().has(p.userId));
            app.remember(found);
            status.textContent = found.length ? `${found.length} found` : "Nobody found";
            clear(results, ...found.map(p => h("li", {}, h("button", { type: "button", class: "user", "data-username": p.username, onclick: () => { pick(p); input.value = ""; clear(results); input.focus(); } }, h("span", {}, p.displayName), " ", h("span", { class: "hint" }, `@${p.username}`)))));
        }
        catch (error) {
            status.textContent = error instanceof ApiError ? error.message : "Search failed";
        }
    };
    input.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(() => void run(), 200); });
    input.addEventListener("keydown", e => { if (e.key === "Enter") {
        e.preventDefault();
        window.clearTimeout(timer);
        void run();
    } });
    return h("div", { class: "picker" }, h("label", { for: id }, label), input, status, results);
}
export function openNewChatDialog(app) {
    const chosen = new Map();
    const chips = h("ul", { class: "chips", "aria-label": "Chosen people" });
    const titleInput = h("input", { type: "text", id: "group-title", maxlength: 256, placeholder: "Optional for a group" });
    const error = h("p", { class: "error", role: "alert" });
    const encrypted = h("input", { type: "checkbox", id: "new-chat-encrypted" });
    const direct = h("button", { type: "button", class: "primary", disabled: true }, "Start direct chat");
    const group = h("button", { type: "button", disabled: true }, "Create group");
    const render = () => {
        clear(chips, ...[...chosen.values()].map(p => h("li", {}, p.displayName, h("button", { type: "button", class: "link", "aria-label": `Remove ${p.displayName}`, onclick: () => { chosen.delete(p.userId); render(); } }, "✕"))));
        direct.disabled = chosen.size !== 1;
        group.disabled = chosen.size === 0;
    };
    const { close } = modal("New chat", "new-chat", userPicker(app, "find-people", "Find people", p => { chosen.set(p.userId, p); render(); }, () => new Set([app.session.userId, ...chosen.keys()])), chips, h("label", { for: "group-title" }, "Group name"), titleInput, h("label", { for: "new-chat-encrypted", class: "check" }, encrypted, " End-to-end encrypted (only the members' devices can read it)"), error, h("div", { class: "dialog-actions" }, direct, group));
    const start = async (kind) => {
        error.textContent = "";
        direct.disabled = group.disabled = true;
        try {
            const id = await app.startConversation(kind, [...chosen.keys()], kind === "group" ? titleInput.value.trim() || undefined : undefined, encrypted.checked);
            // Closed first: the modal keeps the rest of the page inert, and opening the chat moves focus to its composer.
            close();
            await app.open(id);
        }
        catch (e) {
            error.textContent = e instanceof Error ? e.message : "Could not start the chat.";
            render();
        }
    };
    direct.addEventListener("click", () => void start("direct"));
    group.addEventListener("click", () => void start("group"));
}
export function openMembersDialog(app, c) {
    const list = h("ul", { class: "members" });
    const error = h("p", { class: "error", role: "alert" });
    const me = app.session.userId;
    const isAdmin = () => c.summary.members.some(m => m.userId === me && m.role === "admin");
    const group = c.summary.kind === "group";
    const render = () => clear(list, ...c.summary.members.map(m => {
        const p = app.presence.get(m.userId);
        return h("li", { "data-user-id": m.userId }, h("span", { class: `dot ${p?.status ?? "unknown"}`, "aria-hidden": "true" }), h("span", {}, app.nameOf(m.userId)), m.role === "admin" ? h("span", { class: "hint" }, " admin") : null, group && (m.userId === me || isAdmin())
            ? h("button", { type: "button", class: "link danger", onclick: () => void remove(m.userId) }, m.userId === me ? "Leave group" : `Remove ${app.nameOf(m.userId)}`)
            : null);
    }));
    const remove = async (userId) => {
        error.textContent = "";
        try {
            await app.api.removeMember(c.id, userId);
            c.summary.members = c.summary.members.filter(m => m.userId !== userId);
            render();
            app.thread.refreshHeader();
        }
        catch (e) {
            error.textContent = e instanceof Error ? e.message : "Could not remove the member.";
        }
    };
    const add = async (p) => {
        error.textContent = "";
        try {
            await app.api.addMember(c.id, p.userId);
            if (!c.summary.members.some(m => m.userId === p.userId))
                c.summary.members.push({ userId: p.userId, role: "member" });
            render();
            app.thread.refreshHeader();
        }
        catch (e) {
            error.textContent = e instanceof Error ? e.message : "Could not add the member.";
        }
    };
    render();
    modal(group ? "Members" : "Direct chat", "members", list, error, group && isAdmin() ? userPicker(app, "add-member", "Add a member", p => void add(p), () => new Set(c.summary.members.map(m => m.userId))) : h("p", { class: "hint" }, group ? "Only group admins can add members." : "A direct chat has exactly two members; start a group to add more people."));
}
