/**
 * Repeated vendor_data, found while an import is staged. A GROUP BY over every staged row grew
 * faster than the file (0.47 s at 100k rows, 7.4 s at 1M: the hash spills past work_mem), so the
 * job notes a 32-bit hash of each row's vendor_data (computed on the validation threads) in a table
 * of two integers a slot, and hands SQL only the rows whose hash was seen before. Equal strings have
 * equal hashes, so every repeat is among those rows; a hash shared by different strings only costs
 * SQL a row to read (it compares the strings themselves). Memory: 8 bytes a slot, at most twice as
 * many slots as rows (16 MB at 1M rows); the strings are never kept.
 */

/** 0 stands for "no vendor_data" in a batch's key list. */
export const NO_KEY = 0;

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so that the low bits (the slot) mix well. Never 0. */
export function vendorDataHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash === NO_KEY ? 1 : hash;
}

/** A growable list of int32. */
class IntList {
  private items = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = value;
  }

  toArray(): number[] {
    return Array.from(this.items.subarray(0, this.length));
  }
}

/** Rows to check for repeats: each row whose hash an earlier row had, beside the first row with that hash. */
export interface RepeatCandidates {
  rows: number[];
  firstRows: number[];
}

export class RepeatedKeys {
  private hashes = new Int32Array(1 << 16);
  /** row + 1 of the first row with the slot's hash; 0 marks an empty slot. */
  private firsts = new Int32Array(1 << 16);
  private used = 0;
  private readonly rows = new IntList();
  private readonly firstRows = new IntList();

  /** Rows must come in file order: the first row seen with a hash is the earliest. */
  add(hash: number, row: number): void {
    if (hash === NO_KEY) return;
    const slot = this.find(hash | 0);
    const first = this.firsts[slot]!;
    if (first !== 0) {
      this.rows.push(row);
      this.firstRows.push(first - 1);
      return;
    }
    this.hashes[slot] = hash;
    this.firsts[slot] = row + 1;
    if (++this.used * 4 > this.firsts.length * 3) this.grow();
  }

  candidates(): RepeatCandidates {
    return { rows: this.rows.toArray(), firstRows: this.firstRows.toArray() };
  }

  /** The slot holding `hash`, or the empty slot where it would go (linear probing). */
  private find(hash: number): number {
    const mask = this.firsts.length - 1;
    let slot = hash & mask;
    while (this.firsts[slot] !== 0 && this.hashes[slot] !== hash) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { hashes, firsts } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.firsts = new Int32Array(firsts.length * 2);
    for (let i = 0; i < firsts.length; i++) {
      if (firsts[i] === 0) continue;
      const slot = this.find(hashes[i]!);
      this.hashes[slot] = hashes[i]!;
      this.firsts[slot] = firsts[i]!;
    }
  }
}
