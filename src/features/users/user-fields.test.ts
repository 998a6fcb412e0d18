import { describe, expect, it } from 'vitest';
import { parseMetadataCell, parseTagsCell, validateCountry, validateDateOfBirth, validateEmail, validatePhone, validateProfile, validateStatus, validateTags, validateVendorData } from './user-fields.ts';

const errorCode = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? null : result.error!.code);

describe('user field validation', () => {
  it('accepts vendor_data up to 2000 bytes and rejects longer, empty or padded values', () => {
    expect(validateVendorData('a'.repeat(2000))).toEqual({ ok: true, value: 'a'.repeat(2000) });
    expect(errorCode(validateVendorData('é'.repeat(1001)))).toBe('vendor_data_too_long');
    expect(errorCode(validateVendorData(''))).toBe('missing_vendor_data');
    expect(errorCode(validateVendorData(' padded'))).toBe('invalid_vendor_data');
    expect(errorCode(validateVendorData(42))).toBe('invalid_vendor_data');
  });

  it('normalises phones to E.164 and rejects numbers without a country code', () => {
    expect(validatePhone('+44 20 7946 0958')).toEqual({ ok: true, value: '+442079460958' });
    expect(errorCode(validatePhone('020 7946 0958'))).toBe('invalid_phone');
    expect(errorCode(validatePhone('+1 555'))).toBe('invalid_phone');
    expect(validatePhone('')).toEqual({ ok: true, value: null });
  });

  it('takes strict ISO alpha-3 countries only', () => {
    expect(validateCountry('fra')).toEqual({ ok: true, value: 'FRA' });
    expect(errorCode(validateCountry('FR'))).toBe('invalid_country');
    expect(errorCode(validateCountry('250'))).toBe('invalid_country');
    expect(errorCode(validateCountry('XXX'))).toBe('invalid_country');
  });

  it('checks emails, statuses and dates of birth', () => {
    expect(validateEmail('ana@example.com')).toEqual({ ok: true, value: 'ana@example.com' });
    expect(errorCode(validateEmail('ana@'))).toBe('invalid_email');
    expect(validateStatus('flagged')).toEqual({ ok: true, value: 'FLAGGED' });
    expect(errorCode(validateStatus('DELETED'))).toBe('invalid_status');
    expect(validateDateOfBirth('1990-02-28')).toEqual({ ok: true, value: '1990-02-28' });
    expect(errorCode(validateDateOfBirth('1990-02-30'))).toBe('invalid_date_of_birth');
  });

  it('trims and de-duplicates tags, and reads the CSV form', () => {
    expect(validateTags([' vip', 'kyc', 'vip'])).toEqual({ ok: true, value: ['vip', 'kyc'] });
    expect(parseTagsCell('vip, kyc,,tier-1')).toEqual({ ok: true, value: ['vip', 'kyc', 'tier-1'] });
    expect(errorCode(validateTags(['a,b']))).toBe('invalid_tags');
    expect(errorCode(validateTags('vip'))).toBe('invalid_tags');
  });

  it('requires metadata to be a JSON object of bounded size', () => {
    expect(parseMetadataCell('{"tier":2}')).toEqual({ ok: true, value: { tier: 2 } });
    expect(errorCode(parseMetadataCell('[1,2]'))).toBe('invalid_metadata');
    expect(errorCode(parseMetadataCell('{oops'))).toBe('invalid_metadata_json');
    expect(errorCode(parseMetadataCell(JSON.stringify({ blob: 'x'.repeat(70_000) })))).toBe('metadata_too_large');
  });

  it('reports every invalid field of a profile, each naming its field', () => {
    const { errors, value } = validateProfile({ vendor_data: 'u-1', email: 'nope', country: 'France', status: 'ACTIVE' });
    expect(value).toEqual({ vendor_data: 'u-1', status: 'ACTIVE' });
    expect(errors.map((error) => [error.field, error.code])).toEqual([
      ['email', 'invalid_email'],
      ['country', 'invalid_country'],
    ]);
  });
});
