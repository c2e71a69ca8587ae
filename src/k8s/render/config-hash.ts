// A short fingerprint of a component's rendered config, put on its pod template so a config change
// rolls that component (and only that one). FNV-1a, 32 bits: enough to notice change, not a security hash.
export function configHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
