import { describe, expect, it } from 'vitest';
import { CsvRecordCounter } from './export-progress.ts';

describe('counting CSV records as an export streams', () => {
  it('counts line feeds outside quotes, across chunk boundaries', () => {
    const text = 'vendor_data,metadata_json\na,"{""note"": ""two\nlines""}"\nb,plain\n"c\nd",x\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const counter = new CsvRecordCounter();
      const bytes = Buffer.from(text);
      for (let start = 0; start < bytes.length; start += size) counter.feed(bytes.subarray(start, start + size));
      expect(counter.records, `chunks of ${size}`).toBe(4);
    }
  });
});
