import { CsvFileError, readCsvBatches } from './csv-reader.ts';
import { type OpenFile, TableFileError, type TableHeader, type TableItem } from './table-reader.ts';

/** The streaming CSV reader behind the common interface; no required column (mapping decides, docs/vendor-migration.md#formats). */
export async function* readCsvTable(open: OpenFile): AsyncGenerator<TableItem> {
  try {
    for await (const item of readCsvBatches(open, { requiredColumn: null })) {
      if (Array.isArray(item)) {
        yield item;
        continue;
      }
      const header: TableHeader = {
        format: 'csv',
        // The reader may still learn the file is Windows-1252 further down: read it when asked.
        get encoding() {
          return item.encoding;
        },
        delimiter: item.delimiter,
        columns: item.columns,
      };
      yield header;
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw new TableFileError(error.code, error.message, error.line);
    throw error;
  }
}
