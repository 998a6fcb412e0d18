import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Builds .xlsx workbooks for tests and benchmarks, with the ZIP entries in the order Excel writes
 * them: the sheet before xl/sharedStrings.xml (the order a streaming reader trips on).
 */
/** `{ date: serial }`: a number in a date-formatted cell, as Excel writes a date. */
export type XlsxCell = string | number | boolean | null | { date: number };

export interface XlsxOptions {
  /** Text cells as inline strings instead of shared strings. */
  inlineStrings?: boolean;
  /** Put xl/sharedStrings.xml before the sheet (the order exceljs writes). */
  sharedStringsFirst?: boolean;
  /** Deflate the entries (default) or store them. */
  compress?: boolean;
  /** xl/styles.xml, when the cells use styles. */
  stylesXml?: string;
}

// Style 1 is a date (built-in format 14, m/d/yyyy): the cells written as { date: serial } use it.
const dateStylesXml = '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

export function buildXlsx(rows: readonly (readonly XlsxCell[])[], options: XlsxOptions = {}): Buffer {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const sheetParts: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
  rows.forEach((cells, r) => {
    let xml = `<row r="${r + 1}">`;
    cells.forEach((cell, c) => {
      if (cell === null || cell === '') return;
      const ref = `${columnName(c)}${r + 1}`;
      if (typeof cell === 'object') xml += `<c r="${ref}" s="1"><v>${cell.date}</v></c>`;
      else if (typeof cell === 'number') xml += `<c r="${ref}"><v>${cell}</v></c>`;
      else if (typeof cell === 'boolean') xml += `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
      else if (options.inlineStrings) xml += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(cell)}</t></is></c>`;
      else {
        let index = sharedIndex.get(cell);
        if (index === undefined) {
          index = shared.length;
          shared.push(cell);
          sharedIndex.set(cell, index);
        }
        xml += `<c r="${ref}" t="s"><v>${index}</v></c>`;
      }
    });
    sheetParts.push(`${xml}</row>`);
  });
  sheetParts.push('</sheetData></worksheet>');
  const sharedXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((text) => `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`).join('')}</sst>`;
  const dated = rows.some((cells) => cells.some((cell) => typeof cell === 'object' && cell !== null));
  return xlsxFromParts(Buffer.from(sheetParts.join(''), 'utf8'), Buffer.from(sharedXml, 'utf8'), dated ? { stylesXml: dateStylesXml, ...options } : options);
}

/** A workbook around a sheet's XML and a shared-string table as given (hostile files are written this way). */
export function xlsxFromParts(sheetXml: Buffer | string, sharedStringsXml: Buffer | string, options: XlsxOptions = {}): Buffer {

  const entries: [string, Buffer | string][] = [
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'],
  ];
  const sheet: [string, Buffer | string] = ['xl/worksheets/sheet1.xml', sheetXml];
  const strings: [string, Buffer | string] = ['xl/sharedStrings.xml', sharedStringsXml];
  entries.push(...(options.sharedStringsFirst ? [strings, sheet] : [sheet, strings]));
  if (options.stylesXml) entries.push(['xl/styles.xml', options.stylesXml]);
  return zip(entries.map(([name, text]) => [name, Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')]), options.compress ?? true);
}

/** A minimal ZIP writer (stored or deflated entries, no ZIP64). */
export function zip(entries: readonly [string, Buffer][], compress = true): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const body = compress ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(compress ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(compress ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
