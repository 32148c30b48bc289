export class ApiError extends Error {
    status;
    code;
    fields;
    constructor(status, code, message, fields) {
        super(message);
        this.status = status;
        this.code = code;
        this.fields = fields;
    }
}
export class Api {
    token;
    /** Called when a call answers 401: the token expired or was refused, so the user must log in again. */
    onUnauthorized = () => { };
    constructor(token = null) {
        this.token = token;
    }
    setToken(token) {
        this.token = token;
    }
    async call(method, path, body) {
        const headers = {};
        if (this.token)
            headers["Authorization"] = `Bearer ${this.token}`;
        if (body !== undefined)
            headers["Content-Type"] = "application/json";
        let response;
        try {
            response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        }
        catch {
            throw new ApiError(0, "network", "The server cannot be reached; check your connection.");
        }
        if (response.ok)
            return (response.status === 204 ? undefined : await response.json());
        let problem = {};
        try {
            problem = await response.json();
        }
        catch { /* not JSON: keep the status */ }
        if (response.status === 401 && this.token && path !== "/api/auth/login")
            this.onUnauthorized();
        const fieldText = problem.errors ? Object.values(problem.errors).flat().join(" ") : "";
        throw new ApiError(response.status, problem.code ?? `http_${response.status}`, fieldText || problem.detail || problem.title || `Request failed (${response.status})`, problem.errors);
    }
    register(username, password, displayName) {
        return this.call("POST", "/api/auth/register", { username, password, displayName });
    }
    login(username, password) {
        return this.call("POST", "/api/auth/login", { username, password });
    }
    findUsers(query) {
        return this.call("GET", `/api/users?query=${encodeURIComponent(query)}&limit=10`);
    }
    contacts() {
        return this.call("GET", "/api/contacts");
    }
    conversations() {
        return this.call("GET", "/api/conversations");
    }
    conversation(id) {
        return this.call("GET", `/api/conversations/${encodeURIComponent(id)}`);
    }
    createConversation(kind, members, title, encrypted = false) {
        return this.call("POST", "/api/conversations", { kind, members, title, encrypted });
    }
    addMember(id, userId) {
        return this.call("POST", `/api/conversations/${encodeURIComponent(id)}/members`, { userId });
    }
    removeMember(id, userId) {
        return this.call("DELETE", `/api/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
    }
    /** Newest events first; `before` pages back through history (§12.8). */
    history(id, before, limit = 50) {
        const query = before === undefined ? `limit=${limit}` : `before=${before}&limit=${limit}`;
        return this.call("GET", `/api/conversations/${encodeURIComponent(id)}/messages?${query}`);
    }
    search(q) {
        return this.call("GET", `/api/search?q=${encodeURIComponent(q)}&limit=30`);
    }
    createMedia(file, conversationId) {
        return this.call("POST", "/api/media", {
            fileName: file.name, contentType: file.type || "application/octet-stream", size: file.size, conversationId,
        });
    }
    /** The server's VAPID public key (base64url), the `applicationServerKey` of a push subscription (§12.15). */
    async vapidPublicKey() {
        return (await this.call("GET", "/api/push/vapid-public-key")).publicKey;
    }
    /** Stores this browser's push subscription for the signed-in user (again: refreshes it, or moves it to them). */
    savePushSubscription(subscription) {
        return this.call("POST", "/api/push/subscriptions", subscription);
    }
    deletePushSubscription(endpoint) {
        return this.call("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`);
    }
    /** The user's mutes still in force. */
    mutes() {
        return this.call("GET", "/api/push/mutes");
    }
    muteState(id) {
        return this.call("GET", `/api/conversations/${encodeURIComponent(id)}/mute`);
    }
    /** Mutes until `until` (ISO 8601), or until unmuted when it is left out. */
    mute(id, until) {
        return this.call("PUT", `/api/conversations/${encodeURIComponent(id)}/mute`, until ? { until } : {});
    }
    unmute(id) {
        return this.call("DELETE", `/api/conversations/${encodeURIComponent(id)}/mute`);
    }
    /** PUTs the file to the presigned URL; that URL carries its own authorization, so no bearer token is sent. */
    async upload(media, file) {
        const headers = { ...(media.uploadHeaders ?? {}) };
        if (!Object.keys(headers).some(h => h.toLowerCase() === "content-type"))
            headers["Content-Type"] = file.type || "application/octet-stream";
        const response = await fetch(media.uploadUrl, { method: media.uploadMethod ?? "PUT", headers, body: file });
        if (!response.ok)
            throw new ApiError(response.status, "upload_failed", `The upload failed (${response.status}).`);
    }
    /** An <img> cannot send the Authorization header, so attachments are fetched as blobs and shown by object URL. */
    async mediaBlob(mediaId) {
        const response = await fetch(`/api/media/${encodeURIComponent(mediaId)}`, {
            headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
        });
        if (!response.ok)
            throw new ApiError(response.status, "media_unavailable", `The attachment is not available (${response.status}).`);
        return response.blob();
    }
}
