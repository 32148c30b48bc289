// The service worker (served as /js/service-worker.js with `Service-Worker-Allowed: /`, registered with scope "/"):
// shows a notification for each Web Push message of the notifications sender (payload: docs/notifications.md) and
// opens the chat it is about when the notification is clicked. Compiled on its own (tsconfig.sw.json: the WebWorker
// library, no imports) into a classic script, which every browser with Push runs.

interface PushConversation {
  conversationId: string;
  title: string | null;
  count: number;
  latestSeq: number;
}

/** The sender's payload, version 1 (src/ChatStreams.Notifications/Delivery/PushPayload.cs). */
interface ChatPush {
  v: number;
  type: string;
  userId: string;
  title: string;
  body: string;
  count: number;
  conversationId: string;
  seq: number;
  senderId: string;
  createdAt: string;
  tag: string;
  conversations: PushConversation[];
}

/** What a page answers when asked which chat it shows (chat-app.ts, `answerServiceWorker`). */
interface PageView {
  userId: string | null;
  conversationId: string | null;
  visible: boolean;
}

const worker = self as unknown as ServiceWorkerGlobalScope;
/** A page that does not answer within this is treated as not showing the chat (it may be frozen or loading). */
const PAGE_ANSWER_MS = 500;

worker.addEventListener("install", () => { void worker.skipWaiting(); });
worker.addEventListener("activate", event => event.waitUntil(worker.clients.claim()));

worker.addEventListener("push", event => event.waitUntil(showPush(readPush(event.data))));

worker.addEventListener("notificationclick", event => {
  event.notification.close();
  // Started before waitUntil: the chat is opened even when the event was not dispatched by the browser itself.
  const opening = openChat(event.notification.data as ChatPush | null);
  event.waitUntil(opening);
});

function readPush(data: PushMessageData | null): ChatPush | null {
  if (!data) return null;
  try {
    const push = data.json() as ChatPush;
    return push && typeof push.title === "string" && typeof push.conversationId === "string" ? push : null;
  } catch {
    return null;
  }
}

async function showPush(push: ChatPush | null): Promise<void> {
  if (!push) {
    // Subscribed with userVisibleOnly: every push must show something, even one this version cannot read.
    await worker.registration.showNotification("ChatStreams", { body: "You have new messages.", tag: "chatstreams:messages" });
    return;
  }
  if (await isBeingRead(push)) {
    // The user is looking at this chat right now: no buzz, and an older notification about it is stale.
    for (const old of await worker.registration.getNotifications({ tag: push.tag })) old.close();
    return;
  }
  // renotify: a newer push for the same chat replaces the old notification (same tag) and still alerts.
  const options: NotificationOptions & { renotify: boolean; timestamp: number } = {
    body: push.body, tag: push.tag, renotify: true, data: push, timestamp: Date.parse(push.createdAt) || Date.now(),
  };
  await worker.registration.showNotification(push.title, options);
}

/** True when a visible page of this user shows the one chat every message of the push belongs to. */
async function isBeingRead(push: ChatPush): Promise<boolean> {
  const chats = new Set(push.conversations.length > 0 ? push.conversations.map(c => c.conversationId) : [push.conversationId]);
  if (chats.size !== 1) return false;
  const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  const views = await Promise.all(windows.filter(w => w.visibilityState === "visible").map(askPage));
  return views.some(v => v !== null && v.visible && v.userId === push.userId && v.conversationId !== null && chats.has(v.conversationId));
}

/** Asks a page which chat it shows (Client.url does not follow the page's in-app navigation). */
function askPage(page: WindowClient): Promise<PageView | null> {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), PAGE_ANSWER_MS);
    channel.port1.onmessage = event => { clearTimeout(timer); resolve(event.data as PageView); };
    page.postMessage({ type: "chatstreams:which-conversation" }, [channel.port2]);
  });
}

/** Focuses an open page and tells it to show the chat, or opens a new one at the chat's address (#/c/<id>?seq=<n>). */
async function openChat(push: ChatPush | null): Promise<void> {
  const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  const page = windows.find(w => w.focused) ?? windows.find(w => w.visibilityState === "visible") ?? windows[0];
  if (!page) {
    const hash = push ? `#/c/${encodeURIComponent(push.conversationId)}?seq=${push.seq}` : "";
    await worker.clients.openWindow(new URL(`./${hash}`, worker.registration.scope).href);
    return;
  }
  if (push) page.postMessage({ type: "chatstreams:open-conversation", conversationId: push.conversationId, seq: push.seq });
  await page.focus();
}
