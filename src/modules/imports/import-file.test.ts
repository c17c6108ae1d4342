import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { billColumns, type CsvRow, groupBillRows, readCsv, readImportFile, readNdjson } from './import-file';

const person = {
  medicalRecordNumber: 'MR1001',
  firstName: 'Maria',
  lastName: 'Rivera',
  birthDate: '1961-04-09',
  regionId: 'ncal',
};

describe('NDJSON', () => {
  it('keeps file line numbers across blank lines and CRLF, and refuses lines one by one', () => {
    const text = [
      JSON.stringify({ type: 'person', externalId: 'P-1', ...person }),
      '',
      '{"type":"person"',
      JSON.stringify({ type: 'person', externalId: 'P-2', ...person, nickname: 'x' }),
    ].join('\r\n');
    const lines = readNdjson(text);
    expect(lines.map((l) => [l.lineNo, l.kind, l.externalId, l.errors?.map((e) => e.code) ?? null])).toEqual([
      [1, 'person', 'P-1', null],
      [3, null, null, ['invalid_json']],
      [4, 'person', 'P-2', ['unknown_field']],
    ]);
    expect(lines[0]?.record).toEqual(person);
  });

  it('refuses a line longer than a record may be', () => {
    const long = JSON.stringify({
      type: 'person',
      externalId: 'P-1',
      ...person,
      firstName: 'x'.repeat(70_000),
    });
    expect(readNdjson(long)[0]?.errors?.[0]?.code).toBe('too_long');
  });
});

describe('CSV', () => {
  it('needs its type', () => {
    expect(() => readImportFile('externalId\n', 'csv', null)).toThrow(AppError);
  });

  it('reads quoted cells, leaves empty cells out and makes an address of the address columns', () => {
    const lines = readCsv(
      'externalId,medicalRecordNumber,firstName,lastName,birthDate,regionId,email,addressLine1,addressCity,addressState,addressPostalCode\n' +
        'P-1,MR1001,Maria,"Rivera ""the elder"", Jr.",1961-04-09,ncal,,"1 Main St, Apt 2",Oakland,CA,94612\n',
      'people',
    );
    expect(lines).toEqual([
      {
        lineNo: 2,
        kind: 'person',
        externalId: 'P-1',
        errors: null,
        record: {
          ...person,
          lastName: 'Rivera "the elder", Jr.',
          postalAddress: { line1: '1 Main St, Apt 2', city: 'Oakland', state: 'CA', postalCode: '94612' },
        },
      },
    ]);
  });

  it('reports a row whose quote never closes, without refusing the rows before it', () => {
    const lines = readCsv(
      'externalId,kind,regionId,stateCode,accountNumber,holderFirstName,holderLastName,postalCode,guarantors\n' +
        'A-1,medical,ncal,CA,3000000004,Maria,Rivera,94612,P-1;P-2\n' +
        'A-2,medical,"ncal,CA\n',
      'accounts',
    );
    expect(lines[0]).toMatchObject({ lineNo: 2, errors: null, record: { guarantors: ['P-1', 'P-2'] } });
    expect(lines[1]?.errors?.[0]?.code).toBe('invalid_csv');
  });
});

/** A bill's row: its bill columns (the same on each of its rows) and a line's. */
const rowArb = (ids: string[]) =>
  fc.record({
    id: fc.constantFrom(...ids),
    description: fc.string({ minLength: 1, maxLength: 8 }),
  });

describe('groupBillRows (property)', () => {
  it('puts every row in exactly one bill, in row order, bills in order of first row', () => {
    fc.assert(
      fc.property(fc.array(rowArb(['B1', 'B2', 'B3', 'B4']), { minLength: 1, maxLength: 40 }), (spec) => {
        const rows: CsvRow[] = spec.map((s, i) => ({
          lineNo: i + 2,
          cells: { externalId: s.id, number: `N-${s.id}`, lineDescription: s.description },
        }));
        const bills = groupBillRows(rows);
        // Every row once.
        expect(bills.flatMap((b) => b.rows.map((r) => r.lineNo)).sort((a, b) => a - b)).toEqual(
          rows.map((r) => r.lineNo),
        );
        for (const bill of bills) {
          expect(bill.rows.every((r) => r.cells.externalId === bill.externalId)).toBe(true);
          const order = bill.rows.map((r) => r.lineNo);
          expect(order).toEqual([...order].sort((a, b) => a - b));
          // Rows that repeat the same bill columns are no problem.
          expect(bill.errors).toEqual([]);
        }
        const firsts = bills.map((b) => b.rows[0]!.lineNo);
        expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
        expect(new Set(bills.map((b) => b.externalId)).size).toBe(bills.length);
      }),
    );
  });

  it('names each bill column a later row changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...billColumns),
        fc.string({ minLength: 1, maxLength: 5 }),
        (column, value) => {
          const first: CsvRow = { lineNo: 2, cells: { externalId: 'B1', [column]: 'same' } };
          const second: CsvRow = { lineNo: 3, cells: { externalId: 'B1', [column]: `${value}!` } };
          const [bill] = groupBillRows([first, second]);
          expect(bill?.errors.map((e) => e.field)).toEqual([column]);
        },
      ),
    );
  });
});

describe('any text (property)', () => {
  const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc
      .array(
        fc.oneof(fc.json(), fc.constantFrom('{"type":"bill"', '"a",b', '\u0000', '\ud800', '"', ',,,', '\r')),
        {
          maxLength: 20,
        },
      )
      .map((parts) => parts.join('\n')),
  );

  it('is read as lines or refused whole with a problem, never an exception of another kind', () => {
    fc.assert(
      fc.property(
        junk,
        fc.constantFrom('ndjson' as const, 'csv' as const),
        fc.constantFrom('people' as const, 'accounts' as const, 'bills' as const),
        (text, format, type) => {
          try {
            const lines = readImportFile(text, format, type);
            const numbers = lines.map((l) => l.lineNo);
            expect(new Set(numbers).size).toBe(numbers.length);
            for (const line of lines) expect(line.errors === null).toBe(line.record !== null);
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
