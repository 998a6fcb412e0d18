import { describe, expect, it } from 'vitest';
import { headerSignature, mapColumns } from './column-mapping.ts';

const fieldsOf = (headers: string[]) => mapColumns(headers).columns.map((column) => [column.source, column.field, column.how]);

describe('matching headers to fields', () => {
  it('ignores case, spaces, "-" and "_"', () => {
    expect(fieldsOf(['VENDOR-DATA', 'display name', 'Full_Name', 'E-mail', ' Phone ', 'COUNTRY', 'Status', 'tags', 'Metadata_JSON'])).toEqual([
      ['VENDOR-DATA', 'vendor_data', 'exact'],
      ['display name', 'display_name', 'exact'],
      ['Full_Name', 'full_name', 'exact'],
      ['E-mail', 'email', 'exact'],
      [' Phone ', 'phone', 'exact'],
      ['COUNTRY', 'country', 'exact'],
      ['Status', 'status', 'exact'],
      ['tags', 'tags', 'exact'],
      ['Metadata_JSON', 'metadata_json', 'exact'],
    ]);
  });

  it('knows common synonyms', () => {
    expect(fieldsOf(['external_id', 'Mobile', 'e-mail address', 'country_code', 'Name'])).toEqual([
      ['external_id', 'vendor_data', 'synonym'],
      ['Mobile', 'phone', 'synonym'],
      ['e-mail address', 'email', 'synonym'],
      ['country_code', 'country', 'synonym'],
      ['Name', 'display_name', 'synonym'],
    ]);
    expect(fieldsOf(['phone_number'])).toEqual([['phone_number', 'phone', 'synonym']]);
  });

  it('gives a field to one header only: an exact match beats a synonym, which is left out with a warning', () => {
    const mapped = mapColumns(['mobile', 'phone', 'user_id', 'external_id']);
    expect(mapped.columns.map((column) => column.field)).toEqual([null, 'phone', null, 'vendor_data']);
    expect(mapped.warnings.map((warning) => [warning.code, warning.column])).toEqual([
      ['duplicate_mapping', 'mobile'],
      ['duplicate_mapping', 'user_id'],
    ]);
  });

  it('leaves an unknown header out with a warning, unless it is mapped to metadata.KEY', () => {
    const auto = mapColumns(['vendor_data', 'Loyalty Tier']);
    expect(auto.columns[1]).toEqual({ source: 'Loyalty Tier', field: null, how: 'none' });
    expect(auto.warnings).toEqual([{ code: 'column_not_imported', column: 'Loyalty Tier', message: expect.stringContaining('metadata.KEY') }]);
    const manual = mapColumns(['vendor_data', 'Loyalty Tier'], { manual: { 'Loyalty Tier': 'metadata.tier' } });
    expect(manual.columns[1]).toEqual({ source: 'Loyalty Tier', field: 'metadata.tier', how: 'manual' });
    expect(manual.warnings).toEqual([]);
    expect(manual.plan.metadataKeys).toEqual([['tier', 1]]);
  });

  it('puts a given mapping before a saved one, and a saved one before matching', () => {
    const mapped = mapColumns(['id', 'mail', 'email'], { manual: { email: null }, saved: { id: 'vendor_data', mail: 'email' } });
    expect(mapped.columns.map((column) => [column.field, column.how])).toEqual([
      ['vendor_data', 'saved'],
      ['email', 'saved'],
      [null, 'manual'],
    ]);
  });

  it('files saved mappings under the same headers in any order and spelling', () => {
    expect(headerSignature(['Customer', 'E-mail'])).toBe(headerSignature(['email', 'customer']));
    expect(headerSignature(['Customer', 'E-mail'])).not.toBe(headerSignature(['Customer', 'Phone']));
  });
});
