import type { UserStatus } from '../../../shared/user-catalogue.ts';
import { countries, validateCountry, validatePhone, validateStatus } from '../../users/user-rules.public.ts';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { stripFormulaGuard } from '../readers/csv-reader.ts';
import type { ColumnPlan } from '../validation/import-columns.ts';

/**
 * Suggested fixes (docs/vendor-migration.md#suggested-fixes-api): corrections proposed for cells that fail validation, applied
 * only once an operator accepts their kind. A value that only differs in letter case is valid
 * already (the validators upper-case), so it never gets a fix.
 */
export const fixCodes = ['country_alpha2', 'country_name', 'phone_national', 'status_synonym'] as const;
export type FixCode = (typeof fixCodes)[number];

export interface CellFix {
  /** The file's column (as its header spells it). */
  column: string;
  from: string;
  to: string;
  code: FixCode;
}

/** What a batch needs to propose and apply fixes. */
export interface FixSettings {
  accepted: readonly FixCode[];
  /** The import's default_region (alpha-2) for national numbers on rows without a country. */
  defaultRegion: string | null;
  /** The file's headers, to name a fix's column. */
  headers: readonly string[];
}

export function isFixCode(code: string): code is FixCode {
  return (fixCodes as readonly string[]).includes(code);
}

// ---- countries --------------------------------------------------------------------------------

const nameKey = (name: string) =>
  name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[.']/g, '').replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim().replace(/^the /, '');

// Common names people write that the ISO list spells otherwise.
const aliases: Record<string, string> = {
  england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB', britain: 'GB', 'u k': 'GB',
  emirates: 'AE', 'u a e': 'AE', us: 'US', 'u s': 'US', 'u s a': 'US', america: 'US', 'united states of america': 'US',
  holland: 'NL', 'the netherlands': 'NL', laos: 'LA', syria: 'SY', moldova: 'MD', burma: 'MM', macedonia: 'MK', 'north macedonia': 'MK',
  swaziland: 'SZ', vatican: 'VA', 'vatican city': 'VA', brunei: 'BN', 'russia': 'RU', 'south korea': 'KR', 'north korea': 'KP',
  'czech republic': 'CZ', 'ivory coast': 'CI', 'cote divoire': 'CI', 'cape verde': 'CV', micronesia: 'FM', 'bosnia': 'BA',
  'hong kong sar': 'HK', 'macau': 'MO', 'st lucia': 'LC', 'st kitts and nevis': 'KN', 'st vincent and the grenadines': 'VC', 'trinidad': 'TT',
  'kosovo': 'XK',
};
// Names that fit more than one country: no fix is safe.
const ambiguousNames = new Set(['korea', 'congo', 'virgin islands', 'guinea republic', 'samoa islands', 'sudan republic', 'ireland island', 'st martin', 'saint martin', 'georgia state']);

const countryByName: Map<string, string | null> = (() => {
  const index = new Map<string, string | null>();
  for (const [alpha2, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
    for (const name of names as string[]) {
      const key = nameKey(name);
      const held = index.get(key);
      index.set(key, held === undefined || held === alpha2 ? alpha2 : null);
    }
  }
  for (const [name, alpha2] of Object.entries(aliases)) if (countries.alpha2ToAlpha3(alpha2) !== undefined) index.set(nameKey(name), alpha2);
  for (const name of ambiguousNames) index.set(nameKey(name), null);
  return index;
})();

/** The alpha-3 code a country cell should have, with the kind of fix; undefined when none is safe. */
export function countryFix(cell: string): { to: string; code: FixCode } | undefined {
  const value = cell.trim();
  if (/^[A-Za-z]{2}$/.test(value)) {
    const alpha3 = countries.alpha2ToAlpha3(value.toUpperCase());
    // Not an ISO code: it may still be a short name ("UK").
    if (alpha3) return { to: alpha3, code: 'country_alpha2' };
  }
  const alpha2 = countryByName.get(nameKey(value));
  const alpha3 = alpha2 ? countries.alpha2ToAlpha3(alpha2) : undefined;
  return alpha3 ? { to: alpha3, code: 'country_name' } : undefined;
}

/** Alpha-2 for libphonenumber: from a valid alpha-3 country or an alpha-2/alpha-3 default region. */
export function regionOf(country: string | null): CountryCode | undefined {
  if (!country) return undefined;
  const code = country.trim().toUpperCase();
  const alpha2 = code.length === 3 ? countries.alpha3ToAlpha2(code) : code.length === 2 && countries.alpha2ToAlpha3(code) ? code : undefined;
  return alpha2 as CountryCode | undefined;
}

// ---- phones -----------------------------------------------------------------------------------

/** A national number ("06 12 34 56 78" on a French row) or a 00-prefixed one, made E.164. */
export function phoneFix(cell: string, region: CountryCode | undefined): string | undefined {
  const value = cell.trim();
  if (value === '' || value.startsWith('+')) return undefined;
  const digits = value.replace(/[\s().\-/]/g, '');
  if (!/^\d{4,20}$/.test(digits)) return undefined;
  const parsed = digits.startsWith('00') ? parsePhoneNumberFromString(`+${digits.slice(2)}`) : region ? parsePhoneNumberFromString(digits, region) : undefined;
  return parsed?.isValid() ? parsed.number : undefined;
}

// ---- statuses ---------------------------------------------------------------------------------

/** Words vendors use for each status (keyed by the catalogue's statuses, so a new status needs its words). */
const statusWords: Record<UserStatus, readonly string[]> = {
  ACTIVE: ['enabled', 'activated', 'ok', 'live', 'approved', 'verified', 'open'],
  BLOCKED: ['suspended', 'disabled', 'banned', 'locked', 'deactivated', 'closed', 'terminated', 'rejected', 'declined'],
  FLAGGED: ['review', 'in review', 'under review', 'on hold', 'hold', 'suspicious', 'watchlist', 'manual review'],
};
const statusSynonyms: Record<string, UserStatus> = Object.fromEntries(
  Object.entries(statusWords).flatMap(([status, words]) => words.map((word) => [word, status as UserStatus])),
);

export function statusFix(cell: string): string | undefined {
  return statusSynonyms[cell.trim().toLowerCase().replace(/[\s_-]+/g, ' ')];
}

// ---- rows -------------------------------------------------------------------------------------

/**
 * Applies the accepted kinds of fix to a row's cells (in place on a copy) and returns the copy
 * with the fixes still pending. Only cells that fail validation are considered.
 */
export function adjustRow(fields: readonly string[], plan: ColumnPlan, settings: FixSettings): { fields: readonly string[]; pending: CellFix[] } {
  if (fields.length !== plan.fieldCount) return { fields, pending: [] };
  let out = fields;
  const pending: CellFix[] = [];
  const propose = (position: number, to: string, code: FixCode) => {
    const from = fields[position]!;
    if (settings.accepted.includes(code)) {
      if (out === fields) out = fields.slice();
      (out as string[])[position] = to;
    } else {
      pending.push({ column: settings.headers[position] ?? `column_${position + 1}`, from, to, code });
    }
  };
  let rowCountry: string | null = null;
  const countryAt = plan.positions.country;
  if (countryAt !== undefined) {
    const cell = stripFormulaGuard(fields[countryAt]!);
    if (cell.trim() !== '') {
      const valid = validateCountry(cell);
      if (valid.ok) rowCountry = valid.value;
      else {
        const fix = countryFix(cell);
        if (fix) {
          propose(countryAt, fix.to, fix.code);
          rowCountry = fix.to;
        }
      }
    }
  }
  const phoneAt = plan.positions.phone;
  if (phoneAt !== undefined) {
    const cell = stripFormulaGuard(fields[phoneAt]!);
    if (cell.trim() !== '' && !validatePhone(cell).ok) {
      const to = phoneFix(cell, regionOf(rowCountry) ?? regionOf(settings.defaultRegion));
      if (to) propose(phoneAt, to, 'phone_national');
    }
  }
  const statusAt = plan.positions.status;
  if (statusAt !== undefined) {
    const cell = stripFormulaGuard(fields[statusAt]!);
    if (cell.trim() !== '' && !validateStatus(cell).ok) {
      const to = statusFix(cell);
      if (to) propose(statusAt, to, 'status_synonym');
    }
  }
  return { fields: out, pending };
}
