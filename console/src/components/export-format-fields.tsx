import type { ExportCompression, ExportFormat, ExportFormatChoice } from '../api/types.ts';

/** Format and compression of an export or a schedule (docs/warehouse.md): Parquet compresses inside, so gzip is for CSV and JSONL only. */


export const formatLabels: Record<ExportFormat, string> = { csv: 'CSV', jsonl: 'JSON Lines', parquet: 'Parquet' };

export function ExportFormatFields({ idPrefix, value, onChange }: { idPrefix: string; value: ExportFormatChoice; onChange(change: ExportFormatChoice): void }) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-format`}>Format</label>
        <select
          id={`${idPrefix}-format`}
          value={value.format}
          onChange={(event) => {
            const format = event.target.value as ExportFormat;
            onChange({ format, compression: format === 'parquet' ? 'none' : value.compression });
          }}
        >
          {(Object.keys(formatLabels) as ExportFormat[]).map((format) => (
            <option key={format} value={format}>
              {formatLabels[format]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-compression`}>Compression</label>
        <select
          id={`${idPrefix}-compression`}
          value={value.compression}
          disabled={value.format === 'parquet'}
          aria-describedby={value.format === 'parquet' ? `${idPrefix}-compression-hint` : undefined}
          onChange={(event) => onChange({ ...value, compression: event.target.value as ExportCompression })}
        >
          <option value="none">None</option>
          <option value="gzip">gzip</option>
        </select>
        {value.format === 'parquet' && (
          <span id={`${idPrefix}-compression-hint`} className="hint">
            Parquet is compressed inside (zstd).
          </span>
        )}
      </div>
    </>
  );
}
