import { describe, expect, it } from 'vitest';
import { mapColumns } from './column-mapping.ts';
import { adjustRow, countryFix, phoneFix, statusFix } from './row-fixes.ts';

describe('suggested fixes', () => {
  it('turns alpha-2 codes and English country names (with aliases) into alpha-3', () => {
    expect(countryFix('FR')).toEqual({ to: 'FRA', code: 'country_alpha2' });
    expect(countryFix('de')).toEqual({ to: 'DEU', code: 'country_alpha2' });
    expect(countryFix('France')).toEqual({ to: 'FRA', code: 'country_name' });
    expect(countryFix('United Kingdom')).toEqual({ to: 'GBR', code: 'country_name' });
    expect(countryFix('UK')).toEqual({ to: 'GBR', code: 'country_name' });
    expect(countryFix('UAE')).toEqual({ to: 'ARE', code: 'country_name' });
    expect(countryFix('U.S.A.')).toEqual({ to: 'USA', code: 'country_name' });
    expect(countryFix("Côte d'Ivoire")).toEqual({ to: 'CIV', code: 'country_name' });
  });

  it('proposes nothing for an ambiguous or unknown country name', () => {
    expect(countryFix('Korea')).toBeUndefined();
    expect(countryFix('Congo')).toBeUndefined();
    expect(countryFix('Virgin Islands')).toBeUndefined();
    expect(countryFix('Atlantis')).toBeUndefined();
    expect(countryFix('XX')).toBeUndefined();
  });

  it('makes national and 00 numbers E.164, and proposes nothing without a country', () => {
    expect(phoneFix('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(phoneFix('0033 6 12 34 56 78', undefined)).toBe('+33612345678');
    expect(phoneFix('0612345678', undefined)).toBeUndefined();
    expect(phoneFix('12', 'FR')).toBeUndefined();
  });

  it('maps status synonyms; letter case alone is not a fix', () => {
    expect(statusFix('enabled')).toBe('ACTIVE');
    expect(statusFix('Suspended')).toBe('BLOCKED');
    expect(statusFix('under review')).toBe('FLAGGED');
    expect(statusFix('whatever')).toBeUndefined();
    const { plan } = mapColumns(['vendor_data', 'status']);
    expect(adjustRow(['v', 'active'], plan, { accepted: [], defaultRegion: null, headers: ['vendor_data', 'status'] }).pending).toEqual([]);
  });

  it('uses the row country (even a pending fix of it) for phones, else the default region; applies only accepted kinds', () => {
    const headers = ['id', 'Mobile', 'Country'];
    const { plan } = mapColumns(headers, { manual: { id: 'vendor_data' } });
    const pending = adjustRow(['v', '0612345678', 'FR'], plan, { accepted: [], defaultRegion: null, headers });
    expect(pending.pending).toEqual([
      { column: 'Country', from: 'FR', to: 'FRA', code: 'country_alpha2' },
      { column: 'Mobile', from: '0612345678', to: '+33612345678', code: 'phone_national' },
    ]);
    expect(pending.fields).toEqual(['v', '0612345678', 'FR']);
    const accepted = adjustRow(['v', '0612345678', 'FR'], plan, { accepted: ['country_alpha2'], defaultRegion: null, headers });
    expect(accepted.fields).toEqual(['v', '0612345678', 'FRA']);
    expect(accepted.pending.map((fix) => fix.code)).toEqual(['phone_national']);
    const regional = adjustRow(['v', '020 7946 0958', ''], plan, { accepted: [], defaultRegion: 'GB', headers });
    expect(regional.pending).toEqual([{ column: 'Mobile', from: '020 7946 0958', to: '+442079460958', code: 'phone_national' }]);
    expect(adjustRow(['v', '020 7946 0958', ''], plan, { accepted: [], defaultRegion: null, headers }).pending).toEqual([]);
  });
});
