// The WebSocket to /ws with the reconnect recipe of docs/protocol.md §11: backoff from 0.5 s doubling to 30 s with
// jitter, an immediate retry when the browser says the network is back, and an application ping so a silently dead
// path (a laptop lid, a lost Wi-Fi) is noticed instead of waited on forever.
import type { ServerFrame } from "./types.js";

export type ConnectionState = "connecting" | "online" | "reconnecting";

const PING_EVERY_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_DELAY_MS = 30_000;

export class Connection {
  onFrame: (frame: ServerFrame & Record<string, unknown>) => void = () => {};
  /** After `ready`: the owner sends `resume` and resends pending work. */
  onReady: () => void = () => {};
  onState: (state: ConnectionState, detail: string) => void = () => {};
  /** After a few failed opens: the owner checks whether the token is the problem (§4.2). */
  onRepeatedFailure: () => void = () => {};

  private socket: WebSocket | null = null;
  private delay = 500;
  private failures = 0;
  private timer: number | undefined;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
  private stopped = true;
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.drop("You are offline; waiting for the network…");

  constructor(private readonly token: () => string, private readonly deviceId: string) {}

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    this.open("connecting");
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    window.clearTimeout(this.timer);
    this.stopTimers();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "bye");
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && this.ready;
  }

  private ready = false;

  /** Sends a frame when live; false when not (the caller keeps the work pending until the next `ready`). */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.socket!.send(JSON.stringify(frame));
    return true;
  }

  private open(state: ConnectionState): void {
    if (this.stopped) return;
    this.onState(state, state === "connecting" ? "Connecting…" : "Reconnecting…");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // Browsers cannot set headers on a WebSocket handshake, hence the query token (§3).
    const url = `${scheme}://${location.host}/ws?access_token=${encodeURIComponent(this.token())}&deviceId=${encodeURIComponent(this.deviceId)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    this.ready = false;
    socket.onmessage = event => {
      if (socket !== this.socket || typeof event.data !== "string") return;
      let frame: ServerFrame & Record<string, unknown>;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame.type === "ready") {
        this.ready = true;
        this.delay = 500;
        this.failures = 0;
        this.onState("online", "Connected");
        this.startPings();
        this.onReady();
        return;
      }
      if (frame.type === "pong") { window.clearTimeout(this.pongTimer); return; }
      this.onFrame(frame);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      if (!this.ready) this.failures++;
      if (this.failures >= 3 && this.failures % 3 === 0) this.onRepeatedFailure();
      this.scheduleReconnect();
    };
  }

  /** Closes the current socket and reconnects with backoff (network lost, server asked, no pong). */
  drop(detail: string): void {
    if (this.stopped) return;
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    try { socket?.close(4000, "client reconnect"); } catch { /* already closed */ }
    this.scheduleReconnect(detail);
  }

  private scheduleReconnect(detail?: string): void {
    if (this.stopped) return;
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    window.clearTimeout(this.timer);
    const wait = Math.round(this.delay * (0.5 + Math.random()));
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.onState("reconnecting", detail ?? `Reconnecting in ${Math.max(1, Math.round(wait / 1000))} s…`);
    if (!navigator.onLine) return; // the "online" event reconnects
    this.timer = window.setTimeout(() => this.open("reconnecting"), wait);
  }

  private reconnectNow(): void {
    if (this.stopped || this.isOpen) return;
    window.clearTimeout(this.timer);
    this.delay = 500;
    this.open("reconnecting");
  }

  private startPings(): void {
    this.stopTimers();
    this.pingTimer = window.setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      window.clearTimeout(this.pongTimer);
      this.pongTimer = window.setTimeout(() => this.drop("The connection stopped answering; reconnecting…"), PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  private stopTimers(): void {
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }
}
