/**
 * Repeated vendor_data, found while an import is staged. A GROUP BY over every staged row grew
 * faster than the file (0.47 s at 100k rows, 7.4 s at 1M: the hash spills past work_mem), so the
 * job notes a 32-bit hash of each row's vendor_data (computed on the validation threads) in a hash
 * table of row numbers, and hands SQL only the rows whose hash was seen before. Equal strings have
 * equal hashes, so every repeat is among those rows; a hash shared by different strings only costs
 * SQL a row to read (it compares the strings themselves). Memory: 4 bytes a row and 4 a slot, at
 * most twice as many slots as rows (12 MB at 1M rows); the strings are never kept.
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

/** A growable array of int32, read and written by index (unset entries are 0). */
class IntArray {
  items = new Int32Array(256);

  set(index: number, value: number): void {
    if (index >= this.items.length) {
      let length = this.items.length * 2;
      while (length <= index) length *= 2;
      const grown = new Int32Array(length);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[index] = value;
  }
}

/** A growable list of int32. */
class IntList {
  private readonly array = new IntArray();
  length = 0;

  push(value: number): void {
    this.array.set(this.length++, value);
  }

  toArray(): number[] {
    return Array.from(this.array.items.subarray(0, this.length));
  }
}

/** Rows to check for repeats: each row whose hash an earlier row had, beside the first row with it. */
export interface RepeatCandidates {
  rows: number[];
  firstRows: number[];
}

/**
 * Each row's hash is kept by row number (4 bytes a row), and the open-addressing table holds only
 * row numbers (4 bytes a slot, at most twice as many slots as rows): 12 MB at 1M rows, where a table
 * of hash and row per slot took 16 MB, and 24 MB while it grew (bench:process, peak RSS).
 */
export class RepeatedKeys {
  private readonly hashByRow = new IntArray();
  /** row + 1 of the first row with each hash; 0 marks an empty slot. */
  private firsts = new Int32Array(1 << 16);
  private used = 0;
  private readonly rows = new IntList();
  private readonly firstRows = new IntList();

  /** Rows must come in file order (rising row numbers): the first row seen with a hash is the earliest. */
  add(hash: number, row: number): void {
    if (hash === NO_KEY) return;
    hash |= 0;
    const slot = this.find(hash);
    const first = this.firsts[slot]!;
    if (first !== 0) {
      this.rows.push(row);
      this.firstRows.push(first - 1);
      return;
    }
    this.hashByRow.set(row, hash);
    this.firsts[slot] = row + 1;
    if (++this.used * 4 > this.firsts.length * 3) this.grow();
  }

  candidates(): RepeatCandidates {
    return { rows: this.rows.toArray(), firstRows: this.firstRows.toArray() };
  }

  /** The slot holding a row with `hash`, or the empty slot where it would go (linear probing). */
  private find(hash: number): number {
    const mask = this.firsts.length - 1;
    const hashes = this.hashByRow.items;
    let slot = hash & mask;
    for (let first = this.firsts[slot]!; first !== 0 && hashes[first - 1] !== hash; first = this.firsts[slot]!) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const old = this.firsts;
    this.firsts = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i++) {
      if (old[i] !== 0) this.firsts[this.find(this.hashByRow.items[old[i]! - 1]!)] = old[i]!;
    }
  }
}
