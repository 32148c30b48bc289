// The device's private state in IndexedDB: identity and prekeys (non-extractable CryptoKeys), ratchet sessions,
// contacts' trusted identity keys and the decrypted text of messages (for display and client-side search).
// One database per browser profile; every key is prefixed with the device, so tabs (devices) never share state.

const DB_NAME = "chatstreams-e2e";
const STORE = "state";

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}

export class DeviceStore {
  private constructor(private readonly db: IDBDatabase, private readonly prefix: string) {}

  static async open(userId: string, deviceId: string): Promise<DeviceStore> {
    const opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
    return new DeviceStore(await request(opening), `${userId}/${deviceId}/`);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return await request(this.db.transaction(STORE).objectStore(STORE).get(this.prefix + key)) as T | undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    const tx = this.db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(value, this.prefix + key);
    await new Promise<void>((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
  }

  async delete(key: string): Promise<void> {
    const tx = this.db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).delete(this.prefix + key);
    await new Promise<void>((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
  }

  /** Values whose key starts with `prefix` (after the device prefix). */
  async entries<T>(prefix: string): Promise<[string, T][]> {
    const from = this.prefix + prefix;
    const range = IDBKeyRange.bound(from, from + "\uffff");
    const store = this.db.transaction(STORE).objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
    return keys.map((k, i) => [(k as string).slice(this.prefix.length), values[i] as T]);
  }
}
