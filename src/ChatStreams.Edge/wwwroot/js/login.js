// Sign up / log in. The token lives in sessionStorage: it ends with the tab, and nothing else in the page needs it.
import { ApiError } from "./api.js";
import { h } from "./dom.js";
export function renderLogin(container, api, onSession, notice) {
    let mode = "login";
    const heading = h("h2", { id: "auth-title" }, "Log in");
    const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, minlength: 3, maxlength: 32 });
    const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, minlength: 8 });
    const displayName = h("input", { id: "displayName", name: "displayName", autocomplete: "name", maxlength: 64 });
    const nameRow = h("div", { class: "field", hidden: true }, h("label", { for: "displayName" }, "Display name"), displayName);
    const error = h("p", { class: "error", role: "alert", id: "auth-error" });
    const submit = h("button", { type: "submit", class: "primary" }, "Log in");
    const toggle = h("button", { type: "button", class: "link" }, "New here? Create an account");
    const form = h("form", { class: "auth", "aria-labelledby": "auth-title", "aria-describedby": "auth-error" }, heading, notice ? h("p", { class: "notice", role: "status" }, notice) : null, h("div", { class: "field" }, h("label", { for: "username" }, "Username"), username), h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password), nameRow, error, submit, toggle);
    toggle.addEventListener("click", () => {
        mode = mode === "login" ? "register" : "login";
        heading.textContent = submit.textContent = mode === "login" ? "Log in" : "Sign up";
        toggle.textContent = mode === "login" ? "New here? Create an account" : "Have an account? Log in";
        nameRow.hidden = mode === "login";
        password.autocomplete = mode === "login" ? "current-password" : "new-password";
        error.textContent = "";
        username.focus();
    });
    form.addEventListener("submit", async (e) => {
        e.preventDefault();
        error.textContent = "";
        submit.disabled = true;
        try {
            const session = mode === "login"
                ? await api.login(username.value.trim(), password.value)
                : await api.register(username.value.trim(), password.value, displayName.value.trim() || username.value.trim());
            onSession(session);
        }
        catch (err) {
            error.textContent = err instanceof ApiError
                ? err.code === "invalid_credentials" ? "Wrong username or password."
                    : err.code === "username_taken" ? "That username is taken; choose another."
                        : err.message
                : "Something went wrong; try again.";
            submit.disabled = false;
            (error.textContent.includes("username") ? username : password).focus();
        }
    });
    container.replaceChildren(h("div", { class: "auth-page" }, h("h1", { class: "brand" }, "ChatStreams"), form));
    username.focus();
}
