// Entry point: restores the session from sessionStorage or shows the login screen.
import { showAddress } from "./address.js";
import { Api } from "./api.js";
import { answerServiceWorker } from "./browser-push.js";
import { ChatApp } from "./chat-app.js";
import { renderLogin } from "./login.js";
import type { Session } from "./types.js";

const KEY = "chatstreams.session";
const container = document.getElementById("app")!;
let current: ChatApp | null = null;

function showLogin(notice?: string): void {
  sessionStorage.removeItem(KEY);
  current = null;
  document.title = "ChatStreams — log in";
  renderLogin(container, new Api(), session => {
    sessionStorage.setItem(KEY, JSON.stringify(session));
    void startChat(session);
  }, notice);
}

async function startChat(session: Session): Promise<void> {
  const api = new Api(session.token);
  const app = new ChatApp(session, api, reason => showLogin(reason));
  api.onUnauthorized = () => { if (current === app) app.logout("Your session expired; please log in again."); };
  current = app;
  document.title = "ChatStreams";
  await app.start(container);
}

// A clicked notification asks this page to show its chat; signed out, the address keeps it for after the login.
answerServiceWorker(() => ({ userId: current?.session.userId ?? null, conversationId: current?.activeId ?? null }), (conversationId, seq) => {
  if (current) void current.openAddress(conversationId, seq);
  else showAddress({ conversationId, seq });
});

const saved = sessionStorage.getItem(KEY);
if (saved) void startChat(JSON.parse(saved) as Session);
else showLogin();
