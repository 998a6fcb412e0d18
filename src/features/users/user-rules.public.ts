/**
 * The user record's rules as pure functions: validators per field, CSV cell parsers, the write modes of
 * tags and metadata, the diff of a user against a row, the country list. Part of the users feature's
 * public surface (index.ts re-exports all of it), kept apart because it loads no database, HTTP or
 * storage code: the import's validation threads (src/features/imports/validation/, 64 MB heaps) import
 * it instead of index.ts, which would load every users route (docs/architecture.md#feature-boundaries).
 */
export { cellParsers, type FieldResult, fieldValidators, validateCountry, validateMetadata, validatePhone, validateStatus, validateVendorData } from './user-fields.ts';
export { fastCellChecks, fastVendorData } from './user-fields-fast.ts';
export { validateNote } from './user-input.ts';
export { diffUser, type FieldChanges } from './user-diff.ts';
export { countries } from './countries.ts';
export { applyMetadata, applyTags, metadataKeyChanges, metadataModes, resolveWrite, tagChanges, tagsModes, type MetadataMode, type TagsMode, type WriteModes } from './write-modes.ts';
