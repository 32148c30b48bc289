// Entry point: restores the session from sessionStorage or shows the login screen.
import { Api } from "./api.js";
import { ChatApp } from "./chat-app.js";
import { renderLogin } from "./login.js";
const KEY = "chatstreams.session";
const container = document.getElementById("app");
let current = null;
function showLogin(notice) {
    sessionStorage.removeItem(KEY);
    current = null;
    document.title = "ChatStreams — log in";
    renderLogin(container, new Api(), session => {
        sessionStorage.setItem(KEY, JSON.stringify(session));
        void startChat(session);
    }, notice);
}
async function startChat(session) {
    const api = new Api(session.token);
    const app = new ChatApp(session, api, reason => showLogin(reason));
    api.onUnauthorized = () => { if (current === app)
        app.logout("Your session expired; please log in again."); };
    current = app;
    document.title = "ChatStreams";
    await app.start(container);
}
const saved = sessionStorage.getItem(KEY);
if (saved)
    void startChat(JSON.parse(saved));
else
    showLogin();
