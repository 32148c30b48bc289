// X3DH session set-up and the Double Ratchet, following Signal's specifications
// (https://signal.org/docs/specifications/x3dh/, https://signal.org/docs/specifications/doubleratchet/):
// a root chain advanced by every DH ratchet step, sending and receiving chains advanced per message, message keys
// used once, skipped keys kept (bounded) for messages that arrive out of order, and AEAD whose associated data binds
// both identity keys, the header and the message's context.
import { concat, dh, equalBytes, hkdf, hmac, newDhKeyPair, open, publicBytes, seal, toBase64, verify } from "./e2e-primitives.js";
/** Most message keys skipped in one chain, and most kept in total (oldest dropped first). */
export const MAX_SKIP = 1000;
export const MAX_SKIPPED_KEPT = 2000;
const F = new Uint8Array(32).fill(0xff);
const ZERO = new Uint8Array(32);
async function kdfRk(rk, dhOut) {
    const out = await hkdf(dhOut, rk, "ChatStreams ratchet", 64);
    return [out.slice(0, 32), out.slice(32)];
}
async function kdfCk(ck) {
    return [await hmac(ck, new Uint8Array([2])), await hmac(ck, new Uint8Array([1]))]; // [next chain key, message key]
}
function encodeHeader(h) {
    const numbers = new DataView(new ArrayBuffer(8));
    numbers.setUint32(0, h.pn);
    numbers.setUint32(4, h.n);
    return concat(fromB64(h.dh), new Uint8Array(numbers.buffer));
}
function fromB64(text) {
    const raw = atob(text);
    return Uint8Array.from(raw, c => c.charCodeAt(0));
}
/** Refuses a bundle whose identity DH key or signed prekey is not signed by its identity key (a forged bundle). */
export async function verifyBundle(b) {
    return await verify(b.ik, b.ikDhSig, b.ikDh) && await verify(b.ik, b.spkSig, b.spk);
}
/** X3DH as the initiator: the session to send the first message to a device whose bundle was just claimed. */
export async function initiate(me, bundle) {
    if (!await verifyBundle(bundle))
        throw new Error("the device's keys are not signed by its identity key");
    const ek = await newDhKeyPair();
    const parts = [await dh(me.dh.privateKey, bundle.spk), await dh(ek.privateKey, bundle.ikDh), await dh(ek.privateKey, bundle.spk)];
    if (bundle.opk)
        parts.push(await dh(ek.privateKey, bundle.opk));
    const sk = await hkdf(concat(F, ...parts), ZERO, "ChatStreams X3DH", 32);
    const dhs = await newDhKeyPair();
    const [rk, cks] = await kdfRk(sk, await dh(dhs.privateKey, bundle.spk));
    return {
        dhs, dhsPub: await publicBytes(dhs.publicKey), dhr: bundle.spk, rk, cks, ckr: null, ns: 0, nr: 0, pn: 0, skipped: [],
        ad: concat(me.ik, bundle.ik), peerIk: bundle.ik,
        prekey: { ik: toBase64(me.ik), ikDh: toBase64(me.ikDh), ikDhSig: toBase64(me.ikDhSig), ek: toBase64(await publicBytes(ek.publicKey)), spkId: bundle.spkId, opkId: bundle.opkId },
    };
}
/** X3DH as the responder, from the initiator's prekey header and this device's own prekeys. */
export async function respond(me, header, spk, opk) {
    const ik = fromB64(header.ik), ikDh = fromB64(header.ikDh), ek = fromB64(header.ek);
    if (!await verify(ik, fromB64(header.ikDhSig), ikDh))
        throw new Error("the sender's identity keys do not belong together");
    const parts = [await dh(spk.privateKey, ikDh), await dh(me.dh.privateKey, ek), await dh(spk.privateKey, ek)];
    if (header.opkId !== null) {
        if (!opk)
            throw new Error("the one-time prekey this message was made for is gone (already used)");
        parts.push(await dh(opk.privateKey, ek));
    }
    const sk = await hkdf(concat(F, ...parts), ZERO, "ChatStreams X3DH", 32);
    return {
        dhs: spk, dhsPub: await publicBytes(spk.publicKey), dhr: null, rk: sk, cks: null, ckr: null, ns: 0, nr: 0, pn: 0, skipped: [],
        ad: concat(ik, me.ik), peerIk: ik, prekey: null,
    };
}
export async function encrypt(state, plaintext, context) {
    if (!state.cks)
        throw new Error("this session cannot send yet");
    const [cks, mk] = await kdfCk(state.cks);
    const header = { dh: toBase64(state.dhsPub), pn: state.pn, n: state.ns };
    const ciphertext = await seal(mk, plaintext, concat(state.ad, encodeHeader(header), context));
    return { state: { ...state, cks, ns: state.ns + 1 }, header, ciphertext };
}
/**
 * Decrypts one message. The state is only changed in the returned copy, so a forged or tampered message (which
 * fails authentication) leaves the session as it was, as the specification requires.
 */
export async function decrypt(state, header, ciphertext, context) {
    const s = { ...state, skipped: [...state.skipped] };
    const ad = concat(s.ad, encodeHeader(header), context);
    const id = `${header.dh}:${header.n}`;
    const kept = s.skipped.findIndex(([k]) => k === id);
    if (kept >= 0) {
        const plaintext = await open(s.skipped[kept][1], ciphertext, ad);
        s.skipped.splice(kept, 1);
        return { state: s, plaintext };
    }
    const dhr = fromB64(header.dh);
    if (!s.dhr || !equalBytes(dhr, s.dhr)) {
        await skip(s, header.pn);
        s.pn = s.ns;
        s.ns = 0;
        s.nr = 0;
        s.dhr = dhr;
        [s.rk, s.ckr] = await kdfRk(s.rk, await dh(s.dhs.privateKey, dhr));
        s.dhs = await newDhKeyPair();
        s.dhsPub = await publicBytes(s.dhs.publicKey);
        [s.rk, s.cks] = await kdfRk(s.rk, await dh(s.dhs.privateKey, dhr));
    }
    await skip(s, header.n);
    const [ckr, mk] = await kdfCk(s.ckr);
    const plaintext = await open(mk, ciphertext, ad);
    s.ckr = ckr;
    s.nr += 1;
    s.prekey = null; // the peer answered in this session: it has it, no more X3DH header needed
    return { state: s, plaintext };
}
async function skip(s, until) {
    if (!s.ckr)
        return;
    if (until - s.nr > MAX_SKIP)
        throw new Error(`more than ${MAX_SKIP} messages were skipped in one chain`);
    while (s.nr < until) {
        const [ckr, mk] = await kdfCk(s.ckr);
        s.skipped.push([`${toBase64(s.dhr)}:${s.nr}`, mk]);
        s.ckr = ckr;
        s.nr += 1;
    }
    if (s.skipped.length > MAX_SKIPPED_KEPT)
        s.skipped.splice(0, s.skipped.length - MAX_SKIPPED_KEPT);
}
