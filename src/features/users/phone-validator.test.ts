import { getCountries, getCountryCallingCode, Metadata } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadataJson from 'libphonenumber-js/metadata.min.json';
import { describe, expect, it } from 'vitest';
import { checkInternationalPhone, checkPhoneWithLibrary, checkPlainPhone, type PhoneCheck } from './phone-validator.ts';
import { validatePhone } from './user-fields.ts';

/**
 * The compiled phone check against libphonenumber-js itself, on numbers generated from every
 * calling code: the library's example numbers with their tail re-drawn (mostly valid), random
 * digits of every possible length and of lengths around them (too short, too long, invalid),
 * numbers with a national prefix, and each written plain, grouped with spaces or hyphens, or in
 * shapes only the library handles (brackets, dots, letters, extensions).
 */

// A small seeded generator, so a failure names a number that the next run produces again.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CallingCodeSource {
  code: string;
  examples: string[];
  lengths: number[];
  nationalPrefix: string | undefined;
}

function callingCodeSources(): CallingCodeSource[] {
  const metadata = new (Metadata as unknown as new () => { selectNumberingPlan(code: string): { numberingPlan: { possibleLengths(): number[]; nationalPrefix(): string | undefined } } })();
  const json = metadataJson as { country_calling_codes: Record<string, string[]>; nonGeographic?: Record<string, unknown> };
  const codes = new Set([...Object.keys(json.country_calling_codes), ...Object.keys(json.nonGeographic ?? {})]);
  const byCode = new Map<string, string[]>();
  for (const country of getCountries()) {
    const example = (examples as Record<string, string>)[country];
    if (!example) continue;
    const code = getCountryCallingCode(country);
    byCode.set(code, [...(byCode.get(code) ?? []), example]);
  }
  return [...codes].map((code) => {
    const plan = metadata.selectNumberingPlan(code).numberingPlan;
    return { code, examples: byCode.get(code) ?? [], lengths: plan.possibleLengths() ?? [6, 8, 10], nationalPrefix: plan.nationalPrefix() || undefined };
  });
}

function nationalNumbers(source: CallingCodeSource, random: () => number, count: number): string[] {
  const digit = () => String(Math.floor(random() * 10));
  const digits = (length: number) => Array.from({ length }, digit).join('');
  const out: string[] = [];
  const minLength = Math.min(...source.lengths);
  const maxLength = Math.max(...source.lengths);
  while (out.length < count) {
    const kind = random();
    const example = source.examples.length > 0 ? source.examples[Math.floor(random() * source.examples.length)]! : undefined;
    if (example && kind < 0.45) {
      // Valid-looking: the example with its last digits re-drawn.
      const keep = Math.max(1, example.length - 1 - Math.floor(random() * Math.min(6, example.length)));
      out.push(example.slice(0, keep) + digits(example.length - keep));
    } else if (example && kind < 0.55) {
      // Too short or too long by one to three digits.
      const change = 1 + Math.floor(random() * 3);
      out.push(random() < 0.5 ? example.slice(0, Math.max(0, example.length - change)) : example + digits(change));
    } else if (kind < 0.85) {
      // Random digits of a possible length, or around the extremes.
      const length = random() < 0.7 ? source.lengths[Math.floor(random() * source.lengths.length)]! : Math.max(0, (random() < 0.5 ? minLength : maxLength) + Math.floor(random() * 7) - 3);
      const leading = example && random() < 0.6 ? example.slice(0, 1 + Math.floor(random() * 3)) : '';
      out.push((leading + digits(Math.max(0, length - leading.length))).slice(0, Math.max(length, 0)) || digits(1));
    } else if (kind < 0.93 && source.nationalPrefix) {
      out.push(source.nationalPrefix + (example ?? digits(maxLength)));
    } else {
      out.push(digits(Math.floor(random() * 20)));
    }
  }
  return out;
}

/** The number as people write it: plain, grouped, or in a shape the compiled check leaves to the library. */
function written(code: string, national: string, random: () => number): string {
  const kind = random();
  if (kind < 0.5) return `+${code}${national}`;
  if (kind < 0.85) {
    const separator = random() < 0.7 ? ' ' : '-';
    let text = `+${code}`;
    for (let i = 0; i < national.length; i++) {
      if (random() < 0.3 || i === 0) text += separator;
      text += national[i];
    }
    return text;
  }
  const odd = [`+${code} (${national.slice(0, 3)}) ${national.slice(3)}`, `+${code}.${national}`, `+${code}  ${national}`, `+${code} ${national} ext. 12`, `+${code}${national}a`, `+${code}-${national}-`, `+0${code}${national}`, `+${code}${national}#`];
  return odd[Math.floor(random() * odd.length)]!;
}

interface Tally {
  compared: number;
  decidedByCompiled: number;
  valid: number;
  disagreements: { input: string; compiled: PhoneCheck; library: PhoneCheck }[];
}

const TOTAL_NUMBERS = 1_230_000;
const SHARDS = 4;

/** One quarter of the calling codes (the set is split so each test stays well within its timeout on a busy machine). */
function compareShard(shard: number): Tally {
  const sources = callingCodeSources();
  const perCode = Math.ceil(TOTAL_NUMBERS / sources.length);
  const tally: Tally = { compared: 0, decidedByCompiled: 0, valid: 0, disagreements: [] };
  sources.forEach((source, index) => {
    if (index % SHARDS !== shard) return;
    const random = generator(20261129 + index);
    for (const national of nationalNumbers(source, random, perCode)) {
      const input = written(source.code, national, random);
      const library = checkPhoneWithLibrary(input);
      const compiled = checkPlainPhone(input);
      tally.compared++;
      if (library.valid) tally.valid++;
      if (compiled === undefined) continue;
      tally.decidedByCompiled++;
      if (compiled.valid !== library.valid || (compiled.valid && library.valid && compiled.e164 !== library.e164)) {
        if (tally.disagreements.length < 20) tally.disagreements.push({ input, compiled, library });
      }
    }
  });
  return tally;
}

describe('compiled phone validator', () => {
  const decided: number[] = [];
  for (let shard = 0; shard < SHARDS; shard++) {
    it(`agrees with libphonenumber-js isValidPhoneNumber on every generated number (calling codes, part ${shard + 1} of ${SHARDS})`, () => {
      const tally = compareShard(shard);
      console.log(`phone differential, part ${shard + 1}: ${tally.compared} numbers, ${tally.valid} valid, ${tally.decidedByCompiled} decided by the compiled check, ${tally.disagreements.length} disagreements`);
      expect(tally.disagreements).toEqual([]);
      // The generated set must hold plenty of each outcome, and the compiled path must decide nearly all plain forms.
      expect(tally.valid / tally.compared).toBeGreaterThan(0.2);
      expect(1 - tally.valid / tally.compared).toBeGreaterThan(0.2);
      expect(tally.decidedByCompiled / tally.compared).toBeGreaterThan(0.75);
      decided.push(tally.decidedByCompiled);
    }, 900_000);
  }

  it('decided over a million numbers itself, from more than 200 calling codes', () => {
    expect(callingCodeSources().length).toBeGreaterThan(200);
    // Over a million decided by the compiled check itself (the rest are the library's own answers).
    expect(decided.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1_000_000);
  });

  it('leaves unusual shapes to the library and answers what it answers', () => {
    for (const input of ['+44 (20) 7946 0958', '+1.415.555.0123', '+7 800 555 35 35', '+44 20 7946 0958 ext. 12', '+447400123456abc']) {
      expect(checkPlainPhone(input === '+7 800 555 35 35' ? '+78005553535' : input)).toBeUndefined();
      expect(checkInternationalPhone(input)).toEqual(checkPhoneWithLibrary(input));
    }
  });

  it('is what validatePhone uses: E.164 out, invalid numbers refused', () => {
    expect(validatePhone('+34 600-123-456')).toEqual({ ok: true, value: '+34600123456' });
    expect(validatePhone('+1 201 555 0123')).toEqual({ ok: true, value: '+12015550123' });
    expect(validatePhone('+800 1234 5678')).toEqual({ ok: true, value: '+80012345678' });
    expect(validatePhone('+34 1')).toMatchObject({ ok: false, error: { code: 'invalid_phone' } });
    expect(validatePhone('+999 123456')).toMatchObject({ ok: false, error: { code: 'invalid_phone' } });
  });
});
