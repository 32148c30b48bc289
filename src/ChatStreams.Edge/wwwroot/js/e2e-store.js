// The device's private state in IndexedDB: identity and prekeys (non-extractable CryptoKeys), ratchet sessions,
// contacts' trusted identity keys and the decrypted text of messages (for display and client-side search).
// One database per browser profile; every key is prefixed with the device, so tabs (devices) never share state.
const DB_NAME = "chatstreams-e2e";
const STORE = "state";
function request(r) {
    return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}
export class DeviceStore {
    db;
    prefix;
    constructor(db, prefix) {
        this.db = db;
        this.prefix = prefix;
    }
    static async open(userId, deviceId) {
        const opening = indexedDB.open(DB_NAME, 1);
        opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
        return new DeviceStore(await request(opening), `${userId}/${deviceId}/`);
    }
    async get(key) {
        return await request(this.db.transaction(STORE).objectStore(STORE).get(this.prefix + key));
    }
    async put(key, value) {
        const tx = this.db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).put(value, this.prefix + key);
        await new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
    }
    async delete(key) {
        const tx = this.db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).delete(this.prefix + key);
        await new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
    }
    /** Values whose key starts with `prefix` (after the device prefix). */
    async entries(prefix) {
        const from = this.prefix + prefix;
        const range = IDBKeyRange.bound(from, from + "\uffff");
        const store = this.db.transaction(STORE).objectStore(STORE);
        const [keys, values] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
        return keys.map((k, i) => [k.slice(this.prefix.length), values[i]]);
    }
}
