// This device's end-to-end encryption: its keys (published to the key directory), one Double Ratchet session per
// peer device, the encryption of a message for every device of a conversation's members, and the decryption of
// what arrives. The server only ever sees the envelope below; docs/security.md says what it can learn from it.
import type { Api } from "./api.js";
import { concat, fromBase64, newDhKeyPair, newSigningKeyPair, publicBytes, sha512, sign, toBase64, utf8, type Bytes } from "./e2e-primitives.js";
import { decrypt, encrypt, initiate, respond, type Bundle, type DeviceIdentity, type Header, type PrekeyHeader, type RatchetState } from "./e2e-ratchet.js";
import { DeviceStore } from "./e2e-store.js";

const PREKEY_BATCH = 50;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** What goes over the wire (base64 of its JSON): one encrypted copy per recipient device, keyed "user/device". */
interface Envelope {
  v: 1;
  from: { u: string; d: string };
  to: Record<string, { h: Header; p?: PrekeyHeader; c: string }>;
}

/** What is inside each copy; checked against the frame, so the server cannot move a message to another place. */
interface Inner { body: string; conversationId: string; id: string }

interface DeviceJson { deviceId: string; identityKey: string; identityDhKey: string; identityDhSignature: string }
interface BundleJson { device: DeviceJson; signedPrekey: { keyId: number; publicKey: string; signature: string }; oneTimePrekey: { keyId: number; publicKey: string } | null }
interface PrekeyStatus { oneTimePrekeys: number; replenish: boolean }

export interface Decrypted { body: string }
export class DecryptionError extends Error {}

export class EndToEnd {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly api: Api, readonly userId: string, readonly deviceId: string,
    private readonly store: DeviceStore, private readonly identity: DeviceIdentity) {}

  /** Opens (or creates) this device's keys and makes sure the key directory has them and enough prekeys. */
  static async start(api: Api, userId: string, deviceId: string): Promise<EndToEnd> {
    const store = await DeviceStore.open(userId, deviceId);
    let identity = await store.get<DeviceIdentity>("identity");
    const fresh = !identity;
    if (!identity) {
      const signing = await newSigningKeyPair();
      const dhPair = await newDhKeyPair();
      const ik = await publicBytes(signing.publicKey), ikDh = await publicBytes(dhPair.publicKey);
      identity = { sign: signing, dh: dhPair, ik, ikDh, ikDhSig: await sign(signing.privateKey, ikDh) };
      await store.put("identity", identity);
    }
    const e2e = new EndToEnd(api, userId, deviceId, store, identity);
    await e2e.publish(fresh);
    return e2e;
  }

  private get devicePath(): string {
    return `/api/keys/devices/${encodeURIComponent(this.deviceId)}`;
  }

  private async publish(fresh: boolean): Promise<void> {
    let status: PrekeyStatus | null = null;
    if (!fresh) {
      try { status = await this.api.call<PrekeyStatus>("GET", this.devicePath); } catch { status = null; }
    }
    if (status === null) {
      const spkPair = await newDhKeyPair();
      const spk = await publicBytes(spkPair.publicKey);
      const spkId = Date.now();
      await this.store.put(`spk:${spkId}`, spkPair);
      status = await this.api.call<PrekeyStatus>("PUT", this.devicePath, {
        identityKey: toBase64(this.identity.ik), identityDhKey: toBase64(this.identity.ikDh), identityDhSignature: toBase64(this.identity.ikDhSig),
        signedPrekey: { keyId: spkId, publicKey: toBase64(spk), signature: toBase64(await sign(this.identity.sign.privateKey, spk)) },
        oneTimePrekeys: await this.newPrekeys(),
      });
    }
    if (status.replenish) await this.api.call("POST", `${this.devicePath}/one-time-prekeys`, { oneTimePrekeys: await this.newPrekeys() });
  }

  private async newPrekeys(): Promise<{ keyId: number; publicKey: string }[]> {
    const first = (await this.store.get<number>("opkNext")) ?? 1;
    const prekeys = [];
    for (let id = first; id < first + PREKEY_BATCH; id++) {
      const pair = await newDhKeyPair();
      await this.store.put(`opk:${id}`, pair);
      prekeys.push({ keyId: id, publicKey: toBase64(await publicBytes(pair.publicKey)) });
    }
    await this.store.put("opkNext", first + PREKEY_BATCH);
    return prekeys;
  }

  /** One operation at a time: sessions advance with every message and must not be updated concurrently. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async devicesOf(userId: string): Promise<DeviceJson[]> {
    return this.api.call<DeviceJson[]>("GET", `/api/keys/users/${encodeURIComponent(userId)}/devices`);
  }

  /**
   * Trust on first use per device, checked against the directory: a device's identity key may not change silently.
   * Safety numbers (below) are how users check the directory itself is honest.
   */
  private async checkIdentity(userId: string, deviceId: string, ik: Bytes): Promise<void> {
    const key = `trusted:${userId}/${deviceId}`;
    const trusted = await this.store.get<string>(key);
    if (trusted !== undefined) {
      if (trusted !== toBase64(ik)) throw new DecryptionError(`the identity key of ${userId}'s device ${deviceId} changed; verify the safety number`);
      return;
    }
    const listed = (await this.devicesOf(userId)).find(d => d.deviceId === deviceId);
    if (!listed || listed.identityKey !== toBase64(ik)) throw new DecryptionError(`the key directory does not list this identity key for ${userId}'s device ${deviceId}`);
    await this.store.put(key, toBase64(ik));
  }

  /** Encrypts a message for every device of the members (this device excepted); returns the base64 envelope. */
  encryptMessage(conversationId: string, clientId: string, members: string[], body: string): Promise<string> {
    return this.serial(async () => {
      const envelope: Envelope = { v: 1, from: { u: this.userId, d: this.deviceId }, to: {} };
      const inner = utf8(JSON.stringify({ body, conversationId, id: clientId } satisfies Inner));
      for (const userId of new Set([...members, this.userId])) {
        for (const device of await this.devicesOf(userId)) {
          if (userId === this.userId && device.deviceId === this.deviceId) continue;
          const address = `${userId}/${device.deviceId}`;
          let state = await this.store.get<RatchetState>(`session:${address}`);
          if (!state) {
            const claimed = await this.api.call<BundleJson>("POST", `/api/keys/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(device.deviceId)}/bundle`);
            const bundle: Bundle = {
              ik: fromBase64(claimed.device.identityKey), ikDh: fromBase64(claimed.device.identityDhKey), ikDhSig: fromBase64(claimed.device.identityDhSignature),
              spkId: claimed.signedPrekey.keyId, spk: fromBase64(claimed.signedPrekey.publicKey), spkSig: fromBase64(claimed.signedPrekey.signature),
              opkId: claimed.oneTimePrekey?.keyId ?? null, opk: claimed.oneTimePrekey ? fromBase64(claimed.oneTimePrekey.publicKey) : null,
            };
            await this.checkIdentity(userId, device.deviceId, bundle.ik);
            state = await initiate(this.identity, bundle);
          }
          const sealed = await encrypt(state, inner, this.context(conversationId, this.userId, this.deviceId, address));
          await this.store.put(`session:${address}`, sealed.state);
          envelope.to[address] = { h: sealed.header, c: toBase64(sealed.ciphertext), ...(state.prekey ? { p: state.prekey } : {}) };
        }
      }
      await this.store.put(`sent:${clientId}`, body);
      return toBase64(utf8(JSON.stringify(envelope)));
    });
  }

  /**
   * The text of an encrypted message frame. Throws DecryptionError when it was not encrypted for this device (sent
   * before the device existed), was altered on the way, or does not match the frame it came in.
   */
  decryptMessage(frame: { conversationId: string; seq: number; senderId: string; id?: string; ciphertext: string; sentAt?: string }): Promise<Decrypted> {
    return this.serial(async () => {
      const cached = await this.store.get<Decrypted>(`plain:${frame.conversationId}:${frame.seq}`);
      if (cached) return cached;
      const body = await this.open(frame);
      const result = { body };
      await this.store.put(`plain:${frame.conversationId}:${frame.seq}`, { ...result, senderId: frame.senderId, sentAt: frame.sentAt ?? "" });
      return result;
    });
  }

  private async open(frame: { conversationId: string; senderId: string; id?: string; ciphertext: string }): Promise<string> {
    let envelope: Envelope;
    try { envelope = JSON.parse(decoder.decode(fromBase64(frame.ciphertext))) as Envelope; }
    catch { throw new DecryptionError("the encrypted message is malformed"); }
    if (envelope.from?.u !== frame.senderId) throw new DecryptionError("the message claims another sender than the one it came from");
    if (envelope.from.u === this.userId && envelope.from.d === this.deviceId) {
      // Our own message coming back: we never encrypt to ourselves, the text was kept when it was sent.
      const sent = frame.id ? await this.store.get<string>(`sent:${frame.id}`) : undefined;
      if (sent === undefined) throw new DecryptionError("this device sent the message but no longer has its text");
      return sent;
    }
    const copy = envelope.to?.[`${this.userId}/${this.deviceId}`];
    if (!copy) throw new DecryptionError("this message was not encrypted for this device (it was sent before the device was added)");
    const address = `${envelope.from.u}/${envelope.from.d}`;
    const context = this.context(frame.conversationId, envelope.from.u, envelope.from.d, `${this.userId}/${this.deviceId}`);
    let ciphertext: Bytes;
    try { ciphertext = fromBase64(copy.c); } catch { throw new DecryptionError("the encrypted message is malformed"); }

    const existing = await this.store.get<RatchetState>(`session:${address}`);
    let opened: { state: RatchetState; plaintext: Bytes } | null = null;
    if (existing) {
      try { opened = await decrypt(existing, copy.h, ciphertext, context); } catch { opened = null; }
    }
    let usedPrekey: number | null = null;
    if (!opened && copy.p) {
      // A new session from the sender (first message, or the sender's device was reinstalled).
      await this.checkIdentity(envelope.from.u, envelope.from.d, fromBase64(copy.p.ik));
      const spk = await this.store.get<CryptoKeyPair>(`spk:${copy.p.spkId}`);
      const opk = copy.p.opkId === null ? null : (await this.store.get<CryptoKeyPair>(`opk:${copy.p.opkId}`)) ?? null;
      if (!spk) throw new DecryptionError("the message was made for a signed prekey this device does not have");
      try {
        opened = await decrypt(await respond(this.identity, copy.p, spk, opk), copy.h, ciphertext, context);
        usedPrekey = copy.p.opkId;
      } catch (error) {
        throw error instanceof DecryptionError ? error : new DecryptionError("the message failed authentication: it was altered or forged");
      }
    }
    if (!opened) throw new DecryptionError("the message failed authentication: it was altered or forged");

    let inner: Inner;
    try { inner = JSON.parse(decoder.decode(opened.plaintext)) as Inner; }
    catch { throw new DecryptionError("the decrypted message is malformed"); }
    if (inner.conversationId !== frame.conversationId || (frame.id !== undefined && inner.id !== frame.id))
      throw new DecryptionError("the message was encrypted for another conversation or message: it was replayed");
    await this.store.put(`session:${address}`, opened.state);
    if (usedPrekey !== null) {
      await this.store.delete(`opk:${usedPrekey}`); // one-time: the private half goes after its single use
      void this.publish(false).catch(() => {});   // top up the directory when it runs low
    }
    return inner.body;
  }

  /** Bound into every copy's associated data: the conversation, the sending device and the receiving device. */
  private context(conversationId: string, fromUser: string, fromDevice: string, to: string): Bytes {
    return utf8(`${conversationId}\n${fromUser}/${fromDevice}\n${to}`);
  }

  /** Decrypted messages whose text contains every word of the query (client-side search). */
  async search(query: string): Promise<{ conversationId: string; seq: number; senderId: string; sentAt: string; body: string }[]> {
    const words = query.toLowerCase().split(/\s+/).filter(w => w.length > 0);
    if (words.length === 0) return [];
    const hits = [];
    for (const [key, value] of await this.store.entries<Decrypted & { senderId: string; sentAt: string }>("plain:")) {
      const text = value.body.toLowerCase();
      if (!words.every(w => text.includes(w))) continue;
      const rest = key.slice("plain:".length);
      const cut = rest.lastIndexOf(":");
      hits.push({ conversationId: rest.slice(0, cut), seq: Number(rest.slice(cut + 1)), senderId: value.senderId, sentAt: value.sentAt, body: value.body });
    }
    return hits.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
  }

  /**
   * The safety number of this user and a contact: 60 digits from both users' device identity keys (Signal's numeric
   * fingerprint: iterated SHA-512). Both sides see the same digits when the directory gave each the other's real keys.
   */
  async safetyNumber(contactId: string): Promise<string> {
    const mine = await fingerprint(this.userId, (await this.devicesOf(this.userId)).map(d => d.identityKey));
    const theirs = await fingerprint(contactId, (await this.devicesOf(contactId)).map(d => d.identityKey));
    const digits = this.userId < contactId ? mine + theirs : theirs + mine;
    return digits.match(/.{5}/g)!.join(" ");
  }
}

async function fingerprint(userId: string, identityKeys: string[]): Promise<string> {
  const keys = concat(...identityKeys.sort().map(fromBase64));
  let hash = concat(new Uint8Array([0, 0]), keys, utf8(userId));
  for (let i = 0; i < 5200; i++) hash = await sha512(concat(hash, keys));
  let digits = "";
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let b = 0; b < 5; b++) value = value * 256 + hash[chunk * 5 + b]!;
    digits += String(value % 100000).padStart(5, "0");
  }
  return digits;
}
