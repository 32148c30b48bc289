// The settings dialog: push notifications on this browser (a switch), with the state in words and every failure
// (unsupported browser, blocked permission, unreachable push service, server error) said plainly.
import { PushSetupError } from "./browser-push.js";
import { modal } from "./dialogs.js";
import { h } from "./dom.js";
const STATUS_TEXT = {
    // The server pushes only to users with no live connection (docs/topologies.md, offline members).
    on: "On: while you have ChatStreams open nowhere, new messages are pushed to this browser as notifications. Muted chats stay silent.",
    off: "Off: this browser gets no notifications.",
    blocked: "Blocked: notifications are blocked for this site. Allow them in the browser's site settings (the icon left of the address) to turn them on.",
    unsupported: "",
};
export function openSettingsDialog(app) {
    const toggle = h("input", { type: "checkbox", role: "switch", id: "push-switch", "aria-describedby": "push-status", disabled: true });
    const status = h("p", { id: "push-status", class: "hint", role: "status" }, "Checking this browser…");
    const error = h("p", { id: "push-error", class: "error", role: "alert" });
    const show = (state) => {
        toggle.checked = state.kind === "on";
        toggle.disabled = state.kind === "unsupported" || state.kind === "blocked";
        toggle.dataset["state"] = state.kind;
        status.textContent = state.kind === "unsupported" ? `Unavailable: ${state.reason}` : STATUS_TEXT[state.kind];
    };
    const refresh = async () => show(await app.push.status().catch(() => ({ kind: "off" })));
    toggle.addEventListener("change", async () => {
        const turningOn = toggle.checked;
        toggle.disabled = true;
        error.textContent = "";
        status.textContent = turningOn ? "Turning notifications on…" : "Turning notifications off…";
        try {
            if (turningOn)
                await app.push.enable();
            else
                await app.push.disable();
        }
        catch (e) {
            error.textContent = e instanceof PushSetupError ? e.message : `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
        }
        await refresh();
    });
    modal("Settings", "settings", h("section", { class: "settings-section", "aria-labelledby": "settings-notifications" }, h("h3", { id: "settings-notifications" }, "Notifications"), h("div", { class: "switch-row" }, toggle, h("label", { for: "push-switch" }, "Push notifications on this browser")), status, error, h("p", { class: "hint" }, "To silence one chat, use 🔔 Mute in its header.")));
    void refresh();
}
