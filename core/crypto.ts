/** Web Crypto helpers shared by signature checks, key hashing and secret encryption. Pure. */

const enc = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]!);
  return btoa(s);
}

/** Decodes base64 (standard or url-safe); returns null for anything that is not base64. */
export function fromBase64(b64: string): Uint8Array | null {
  try {
    const norm = b64.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(norm + "===".slice((norm.length + 3) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(u, (b) => b.toString(16).padStart(2, "0")).join("");
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  // Cache imported keys: importKey dominates the cost of verifying a small webhook.
  const cacheKey = toBase64(secret);
  let k = hmacKeys.get(cacheKey);
  if (!k) {
    if (hmacKeys.size > 1000) hmacKeys.clear();
    k = crypto.subtle.importKey("raw", secret as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(cacheKey, k);
  }
  return k;
}

/** HMAC-SHA256 of `data` with `secret` (UTF-8 string or raw bytes). */
export async function hmacSha256(secret: string | Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const key = await hmacKey(typeof secret === "string" ? utf8(secret) : secret);
  const body = typeof data === "string" ? utf8(data) : data;
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, body as BufferSource));
}

/** Constant-time comparison of two byte strings (length leaks, content does not). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Constant-time comparison of two strings by their UTF-8 bytes. */
export function timingSafeEqualString(a: string, b: string): boolean {
  return timingSafeEqual(utf8(a), utf8(b));
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const body = typeof data === "string" ? utf8(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", body as BufferSource));
}

async function aesKey(secretsKey: string): Promise<CryptoKey> {
  // SECRETS_KEY may be any string: derive a fixed 256-bit key from it.
  const raw = await crypto.subtle.digest("SHA-256", utf8(secretsKey) as BufferSource);
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

/** AES-GCM encrypts `plaintext`; the result is `v1.<iv b64>.<ciphertext b64>`. */
export async function encryptSecret(secretsKey: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await aesKey(secretsKey), utf8(plaintext) as BufferSource);
  return `v1.${toBase64(iv)}.${toBase64(ct)}`;
}

/** Reverses {@link encryptSecret}; throws when the key is wrong or the text was tampered with. */
export async function decryptSecret(secretsKey: string, sealed: string): Promise<string> {
  const [v, ivB64, ctB64] = sealed.split(".");
  const iv = ivB64 ? fromBase64(ivB64) : null;
  const ct = ctB64 ? fromBase64(ctB64) : null;
  if (v !== "v1" || !iv || !ct) throw new Error("sealed secret has an unknown format");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource }, await aesKey(secretsKey), ct as BufferSource);
  return new TextDecoder().decode(pt);
}
