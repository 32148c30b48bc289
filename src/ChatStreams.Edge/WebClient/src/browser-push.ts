// Web Push for this browser: asks for the notification permission, registers the service worker, subscribes with
// the server's VAPID key and stores the subscription on the server (§12.15); turning it off undoes both. It also
// answers the service worker, which asks a page which chat it shows before it notifies (docs/notifications.md).
import { Api, ApiError } from "./api.js";

export const SERVICE_WORKER_URL = "/js/service-worker.js";
export const SERVICE_WORKER_SCOPE = "/";

/** What the settings show: on/off for this browser, or why it cannot be on. */
export type PushStatus =
  | { kind: "on" }
  | { kind: "off" }
  | { kind: "blocked" }
  | { kind: "unsupported"; reason: string };

/** A step of turning push on or off failed; `message` says what happened and what to do. */
export class PushSetupError extends Error {}

/** Why this page cannot use Web Push, or null when it can. */
export function unsupportedReason(): string | null {
  if (!window.isSecureContext)
    return "Notifications need a secure page: open ChatStreams over https (or on localhost), not plain http.";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window))
    return "This browser cannot receive push notifications (it has no service workers or Push API).";
  return null;
}

export class BrowserPush {
  constructor(private readonly api: Api) {}

  async status(): Promise<PushStatus> {
    const reason = unsupportedReason();
    if (reason) return { kind: "unsupported", reason };
    if (Notification.permission === "denied") return { kind: "blocked" };
    const subscription = await this.currentSubscription();
    return subscription && Notification.permission === "granted" ? { kind: "on" } : { kind: "off" };
  }

  /** Permission, service worker, push subscription, then the server: each failure is a PushSetupError saying which. */
  async enable(): Promise<void> {
    const reason = unsupportedReason();
    if (reason) throw new PushSetupError(reason);
    if (Notification.permission === "denied") throw new PushSetupError(BLOCKED);
    const permission = await Notification.requestPermission();
    if (permission === "denied") throw new PushSetupError(BLOCKED);
    if (permission !== "granted") throw new PushSetupError("You closed the permission prompt without allowing notifications; they stay off.");

    let key: string;
    try {
      key = await this.api.vapidPublicKey();
    } catch (error) {
      throw new PushSetupError(`The server did not give its push key (${messageOf(error)}); try again later.`);
    }
    let registration: ServiceWorkerRegistration;
    try {
      await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SERVICE_WORKER_SCOPE });
      registration = await navigator.serviceWorker.ready;
    } catch (error) {
      throw new PushSetupError(`The notification service worker could not be installed (${messageOf(error)}).`);
    }
    const subscription = await subscribe(registration, key);
    try {
      await this.api.savePushSubscription(subscription.toJSON());
    } catch (error) {
      // Not stored on the server: nothing would ever be pushed to it, so it is not kept in the browser either.
      await subscription.unsubscribe().catch(() => false);
      throw new PushSetupError(`The server did not store this browser's subscription (${messageOf(error)}); notifications stay off.`);
    }
  }

  /** Removes the subscription from the server, then from the browser (which stops it at the push service). */
  async disable(): Promise<void> {
    const subscription = await this.currentSubscription();
    if (!subscription) return;
    let serverError: unknown = null;
    try {
      await this.api.deletePushSubscription(subscription.endpoint);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) serverError = error; // 404: the server had dropped it already
    }
    await subscription.unsubscribe().catch(() => false);
    if (serverError)
      throw new PushSetupError(`Notifications are off in this browser, but the server could not be told (${messageOf(serverError)}); ` +
        "it drops the subscription when the push service reports it gone.");
  }

  /**
   * At sign-in: a browser that has a subscription registers it again for whoever is signed in now (the server keeps
   * one user per endpoint, the latest), and one made with an older server key is replaced. Failures stay silent:
   * the settings show the state.
   */
  async renew(): Promise<void> {
    if (unsupportedReason() || Notification.permission !== "granted") return;
    const subscription = await this.currentSubscription().catch(() => null);
    if (!subscription) return;
    try {
      const key = await this.api.vapidPublicKey();
      if (sameKey(subscription.options.applicationServerKey, key)) await this.api.savePushSubscription(subscription.toJSON());
      else {
        await subscription.unsubscribe();
        await this.enable();
      }
    } catch { /* shown as off or retried at the next sign-in */ }
  }

  /** Closes the notifications about a chat the user has just opened: they have been read. */
  async dismissNotificationsOf(conversationId: string): Promise<void> {
    if (unsupportedReason()) return;
    const registration = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_SCOPE).catch(() => undefined);
    for (const n of await registration?.getNotifications({ tag: `conversation:${conversationId}` }) ?? []) n.close();
  }

  private async currentSubscription(): Promise<PushSubscription | null> {
    const registration = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_SCOPE);
    return (await registration?.pushManager.getSubscription()) ?? null;
  }
}

const BLOCKED = "Notifications are blocked for this site. Allow them in the browser's site settings (the icon left of the address), then try again.";

async function subscribe(registration: ServiceWorkerRegistration, key: string): Promise<PushSubscription> {
  const existing = await registration.pushManager.getSubscription();
  if (existing && sameKey(existing.options.applicationServerKey, key)) return existing;
  await existing?.unsubscribe(); // made with another server key: the server's pushes would be refused
  try {
    return await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(key) });
  } catch (error) {
    if (error instanceof DOMException && error.name === "NotAllowedError") throw new PushSetupError(BLOCKED);
    throw new PushSetupError(`This browser could not subscribe at its push service (${messageOf(error)}). ` +
      "Push needs the browser's push service to be reachable, and private windows have none; notifications stay off.");
  }
}

function sameKey(current: ArrayBuffer | null, key: string): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  const b = fromBase64Url(key);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function messageOf(error: unknown): string {
  if (error instanceof DOMException) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Answers the service worker: "which chat do you show?" (it stays silent for the chat a visible page shows) and "open
 * this chat" (a clicked notification). Installed once per page, signed in or not.
 */
export function answerServiceWorker(shown: () => { userId: string | null; conversationId: string | null },
  open: (conversationId: string, seq?: number) => void): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", event => {
    const message = event.data as { type?: string; conversationId?: string; seq?: number } | null;
    if (message?.type === "chatstreams:which-conversation")
      event.ports[0]?.postMessage({ ...shown(), visible: document.visibilityState === "visible" });
    else if (message?.type === "chatstreams:open-conversation" && typeof message.conversationId === "string")
      open(message.conversationId, typeof message.seq === "number" ? message.seq : undefined);
  });
  navigator.serviceWorker.startMessages(); // messages wait until the page listens
}
