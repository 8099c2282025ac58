/** Time-ordered random ids (`ord_01J…`): sortable by creation, unguessable, URL-safe. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newId(prefix: string, now = Date.now()): string {
  let t = now;
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rnd = crypto.getRandomValues(new Uint8Array(16));
  let r = "";
  for (const b of rnd) r += ALPHABET[b % 32];
  return `${prefix}_${time}${r}`;
}
