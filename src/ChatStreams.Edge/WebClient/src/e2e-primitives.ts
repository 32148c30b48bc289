// The cryptographic building blocks of end-to-end encryption, all from the browser's WebCrypto (no hand-written
// cryptography): X25519 key agreement, Ed25519 signatures, HKDF-SHA-256, HMAC-SHA-256 and AES-256-GCM.
// docs/security.md describes how they are put together (X3DH + Double Ratchet).

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

export type Bytes = Uint8Array<ArrayBuffer>;

export function utf8(text: string): Bytes {
  return encoder.encode(text) as Bytes;
}

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Bytes {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Private keys are generated non-extractable: IndexedDB keeps them, script can use but never read them. */
export function newDhKeyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]) as Promise<CryptoKeyPair>;
}

export function newSigningKeyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

export async function publicBytes(key: CryptoKey): Promise<Bytes> {
  return new Uint8Array(await subtle.exportKey("raw", key));
}

export async function dh(privateKey: CryptoKey, publicKey: Bytes): Promise<Bytes> {
  const peer = await subtle.importKey("raw", publicKey, { name: "X25519" }, true, []);
  return new Uint8Array(await subtle.deriveBits({ name: "X25519", public: peer }, privateKey, 256));
}

export async function sign(privateKey: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle.sign({ name: "Ed25519" }, privateKey, data));
}

export async function verify(publicKey: Bytes, signature: Bytes, data: Bytes): Promise<boolean> {
  try {
    const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, true, ["verify"]);
    return await subtle.verify({ name: "Ed25519" }, key, signature, data);
  } catch {
    return false; // a malformed key is as good as a bad signature
  }
}

export async function hkdf(ikm: Bytes, salt: Bytes, info: string, length: number): Promise<Bytes> {
  const key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info: utf8(info) }, key, length * 8));
}

export async function hmac(key: Bytes, data: Bytes): Promise<Bytes> {
  const k = await subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, data));
}

export async function sha512(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle.digest("SHA-512", data));
}

/**
 * AEAD with a message key used exactly once: HKDF turns it into an AES-256 key and a 96-bit nonce (so a nonce is
 * never reused), and the associated data binds the identities and the header to the ciphertext.
 */
export async function seal(messageKey: Bytes, plaintext: Bytes, associatedData: Bytes): Promise<Bytes> {
  const material = await hkdf(messageKey, new Uint8Array(32), "ChatStreams message key", 44);
  const key = await subtle.importKey("raw", material.slice(0, 32), "AES-GCM", false, ["encrypt"]);
  return new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: material.slice(32), additionalData: associatedData }, key, plaintext));
}

/** Throws when the ciphertext, the header or the identities were altered. */
export async function open(messageKey: Bytes, ciphertext: Bytes, associatedData: Bytes): Promise<Bytes> {
  const material = await hkdf(messageKey, new Uint8Array(32), "ChatStreams message key", 44);
  const key = await subtle.importKey("raw", material.slice(0, 32), "AES-GCM", false, ["decrypt"]);
  return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: material.slice(32), additionalData: associatedData }, key, ciphertext));
}
