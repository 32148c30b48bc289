const PING_EVERY_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_DELAY_MS = 30_000;
export class Connection {
    token;
    deviceId;
    onFrame = () => { };
    /** After `ready`: the owner sends `resume` and resends pending work. */
    onReady = () => { };
    onState = () => { };
    /** After a few failed opens: the owner checks whether the token is the problem (§4.2). */
    onRepeatedFailure = () => { };
    socket = null;
    delay = 500;
    failures = 0;
    timer;
    pingTimer;
    pongTimer;
    stopped = true;
    onOnline = () => this.reconnectNow();
    onOffline = () => this.drop("You are offline; waiting for the network…");
    constructor(token, deviceId) {
        this.token = token;
        this.deviceId = deviceId;
    }
    start() {
        this.stopped = false;
        window.addEventListener("online", this.onOnline);
        window.addEventListener("offline", this.onOffline);
        this.open("connecting");
    }
    stop() {
        this.stopped = true;
        window.removeEventListener("online", this.onOnline);
        window.removeEventListener("offline", this.onOffline);
        window.clearTimeout(this.timer);
        this.stopTimers();
        const socket = this.socket;
        this.socket = null;
        socket?.close(1000, "bye");
    }
    get isOpen() {
        return this.socket?.readyState === WebSocket.OPEN && this.ready;
    }
    ready = false;
    /** Sends a frame when live; false when not (the caller keeps the work pending until the next `ready`). */
    send(frame) {
        if (!this.isOpen)
            return false;
        this.socket.send(JSON.stringify(frame));
        return true;
    }
    open(state) {
        if (this.stopped)
            return;
        this.onState(state, state === "connecting" ? "Connecting…" : "Reconnecting…");
        const scheme = location.protocol === "https:" ? "wss" : "ws";
        // Browsers cannot set headers on a WebSocket handshake, hence the query token (§3).
        const url = `${scheme}://${location.host}/ws?access_token=${encodeURIComponent(this.token())}&deviceId=${encodeURIComponent(this.deviceId)}`;
        const socket = new WebSocket(url);
        this.socket = socket;
        this.ready = false;
        socket.onmessage = event => {
            if (socket !== this.socket || typeof event.data !== "string")
                return;
            let frame;
            try {
                frame = JSON.parse(event.data);
            }
            catch {
                return;
            }
            if (frame.type === "ready") {
                this.ready = true;
                this.delay = 500;
                this.failures = 0;
                this.onState("online", "Connected");
                this.startPings();
                this.onReady();
                return;
            }
            if (frame.type === "pong") {
                window.clearTimeout(this.pongTimer);
                return;
            }
            this.onFrame(frame);
        };
        socket.onclose = () => {
            if (socket !== this.socket)
                return;
            if (!this.ready)
                this.failures++;
            if (this.failures >= 3 && this.failures % 3 === 0)
                this.onRepeatedFailure();
            this.scheduleReconnect();
        };
    }
    /** Closes the current socket and reconnects with backoff (network lost, server asked, no pong). */
    drop(detail) {
        if (this.stopped)
            return;
        const socket = this.socket;
        this.socket = null;
        this.ready = false;
        this.stopTimers();
        try {
            socket?.close(4000, "client reconnect");
        }
        catch { /* already closed */ }
        this.scheduleReconnect(detail);
    }
    scheduleReconnect(detail) {
        if (this.stopped)
            return;
        this.socket = null;
        this.ready = false;
        this.stopTimers();
        window.clearTimeout(this.timer);
        const wait = Math.round(this.delay * (0.5 + Math.random()));
        this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
        this.onState("reconnecting", detail ?? `Reconnecting in ${Math.max(1, Math.round(wait / 1000))} s…`);
        if (!navigator.onLine)
            return; // the "online" event reconnects
        this.timer = window.setTimeout(() => this.open("reconnecting"), wait);
    }
    reconnectNow() {
        if (this.stopped || this.isOpen)
            return;
        window.clearTimeout(this.timer);
        this.delay = 500;
        this.open("reconnecting");
    }
    startPings() {
        this.stopTimers();
        this.pingTimer = window.setInterval(() => {
            if (!this.send({ type: "ping" }))
                return;
            window.clearTimeout(this.pongTimer);
            this.pongTimer = window.setTimeout(() => this.drop("The connection stopped answering; reconnecting…"), PONG_TIMEOUT_MS);
        }, PING_EVERY_MS);
    }
    stopTimers() {
        window.clearInterval(this.pingTimer);
        window.clearTimeout(this.pongTimer);
    }
}
