import { describe, expect, it } from 'vitest';
import { apiWritableFields, effectiveName, frozenOnceVerifiedFields, importChangeFields, personalDataCsvColumns, readOnlyApiFields, userCatalogue } from '../../shared/user-catalogue.ts';
import { exportColumns, importColumns, restrictedExportColumns } from '../../shared/user-columns.ts';
import { diffApiWrite, diffUser } from './user-diff.ts';
import { mergeChunkSql } from './user-merge.sql.ts';

describe('the user field catalogue', () => {
  it('gives the template, the export columns and the personal-data columns of the contract', () => {
    expect(importColumns).toEqual(['vendor_data', 'display_name', 'full_name', 'email', 'phone', 'country', 'status', 'tags', 'metadata_json']);
    expect(exportColumns).toEqual([
      'didit_internal_id', 'vendor_data', 'display_name', 'effective_name', 'full_name', 'date_of_birth', 'email', 'phone', 'country', 'status', 'tags',
      'metadata_json', 'session_count', 'approved_count', 'declined_count', 'in_review_count', 'first_session_at', 'last_session_at', 'last_activity_at',
      'created_at', 'updated_at',
    ]);
    expect([...personalDataCsvColumns].sort()).toEqual(['date_of_birth', 'display_name', 'effective_name', 'email', 'full_name', 'metadata_json', 'phone']);
    expect(restrictedExportColumns.some((column) => personalDataCsvColumns.includes(column))).toBe(false);
  });

  it('declares who writes what: the API writes date_of_birth, an import does not; verification freezes full_name and date_of_birth', () => {
    expect(apiWritableFields).toEqual(['vendor_data', 'display_name', 'full_name', 'date_of_birth', 'email', 'phone', 'country', 'status', 'tags', 'metadata']);
    expect(importChangeFields.map((spec) => spec.name)).not.toContain('date_of_birth');
    expect(frozenOnceVerifiedFields).toEqual(['full_name', 'date_of_birth']);
    expect(readOnlyApiFields).toContain('session_count');
    expect(userCatalogue.map((spec) => spec.name)).toHaveLength(new Set(userCatalogue.map((spec) => spec.name)).size);
  });

  it('diffs the way the merge SQL does: empty leaves, frozen fields stay on a verified user, metadata compares as jsonb', () => {
    const stored = { display_name: 'A', full_name: 'Verified', email: 'a@x.com', tags: ['x'], metadata: { a: 1, b: 2 }, status: 'ACTIVE' };
    const incoming = { display_name: null, full_name: 'Other', email: 'b@x.com', tags: ['x'], metadata: { b: 2, a: 1 }, status: 'ACTIVE' };
    expect(diffUser(stored, incoming, true)).toEqual({ changes: { email: { from: 'a@x.com', to: 'b@x.com' } }, frozen: ['full_name'] });
    expect(diffUser(stored, incoming, false).changes).toHaveProperty('full_name');
    // On the API, null is a value: it clears the field.
    expect(diffApiWrite(stored, { display_name: null })).toEqual({ display_name: { from: 'A', to: null } });
    // The SQL guards exactly the frozen fields with verified_at.
    for (const spec of importChangeFields) expect(mergeChunkSql.includes(`j.${spec.column} IS NULL OR j.verified_at IS NOT NULL`)).toBe(spec.frozenOnceVerified);
  });

  it('declares effective_name once', () => {
    expect(effectiveName({ display_name: '', full_name: 'Full' })).toBe('Full');
    expect(effectiveName({ display_name: 'Shown', full_name: 'Full' })).toBe('Shown');
  });
});
