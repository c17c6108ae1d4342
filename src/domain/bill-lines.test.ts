import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billArithmeticProblems, type LineAmounts, lineResponsibility, linesTotal } from './bill-lines';

const MAX = 10_000_000_000;

/** A line that adds up: charge ≥ insurance paid + adjustment, all whole cents. */
const validLine: fc.Arbitrary<LineAmounts> = fc
  .tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }))
  .map(([owed, insurance, adjustment]) => ({
    chargeCents: owed + insurance + adjustment,
    insurancePaidCents: insurance,
    adjustmentCents: adjustment,
    patientResponsibilityCents: owed,
  }));

const line = (charge: number, insurance: number, adjustment: number, owed: number): LineAmounts => ({
  chargeCents: charge,
  insurancePaidCents: insurance,
  adjustmentCents: adjustment,
  patientResponsibilityCents: owed,
});

describe('billArithmeticProblems', () => {
  it('takes a bill whose lines add up and whose total is their sum', () => {
    const lines = [line(20_000, 12_000, 3_000, 5_000), line(4_550, 0, 0, 4_550)];
    expect(lineResponsibility(lines[0]!)).toBe(5_000);
    expect(linesTotal(lines)).toBe(9_550);
    expect(billArithmeticProblems(9_550, lines)).toEqual([]);
  });

  it('names the line and the field whose patient responsibility is wrong, with the arithmetic', () => {
    const problems = billArithmeticProblems(10_550, [
      line(4_550, 0, 0, 4_550),
      line(20_000, 12_000, 3_000, 6_000),
    ]);
    expect(problems).toEqual([
      {
        path: ['lines', 1, 'patientResponsibilityCents'],
        code: 'line_does_not_add_up',
        message:
          'Line 2: patient responsibility is 6000, but charge 20000 − insurance paid 12000 − adjustment 3000 = 5000',
      },
    ]);
  });

  it('refuses a total that is not the sum of the lines, saying what they add up to', () => {
    expect(billArithmeticProblems(9_999, [line(10_000, 0, 0, 10_000)])).toEqual([
      {
        path: ['totalCents'],
        code: 'total_does_not_add_up',
        message: "The total is 9999, but the lines' patient responsibilities add up to 10000",
      },
    ]);
  });

  it('refuses a bill that leaves nothing to pay', () => {
    expect(billArithmeticProblems(0, [line(10_000, 10_000, 0, 0)])[0]?.code).toBe('nothing_to_pay');
    expect(billArithmeticProblems(0, [])[0]?.code).toBe('nothing_to_pay');
  });

  it('any set of valid lines adds up to its total', () => {
    fc.assert(
      fc.property(fc.array(validLine, { minLength: 1, maxLength: 50 }), (lines) => {
        const total = linesTotal(lines);
        fc.pre(total > 0);
        expect(Number.isSafeInteger(total)).toBe(true);
        expect(billArithmeticProblems(total, lines)).toEqual([]);
      }),
    );
  });

  it('a perturbed line is caught at that line and field, and its total no longer matches', () => {
    fc.assert(
      fc.property(
        fc.array(validLine, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.constantFrom('chargeCents', 'insurancePaidCents', 'adjustmentCents', 'patientResponsibilityCents'),
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0),
        (lines, pick, field, delta) => {
          const index = pick % lines.length;
          const total = linesTotal(lines);
          const perturbed = lines.map((l, i) => (i === index ? { ...l, [field]: l[field] + delta } : l));
          const problems = billArithmeticProblems(total, perturbed);
          expect(problems[0]).toMatchObject({
            path: ['lines', index, 'patientResponsibilityCents'],
            code: 'line_does_not_add_up',
          });
          expect(problems.filter((p) => p.code === 'line_does_not_add_up')).toHaveLength(1);
          // Only a change to the responsibility itself moves the sum away from the stated total.
          if (field === 'patientResponsibilityCents') {
            expect(problems.some((p) => p.code === 'total_does_not_add_up')).toBe(true);
          }
        },
      ),
    );
  });

  it('a total off by any amount is caught, whatever the lines', () => {
    fc.assert(
      fc.property(
        fc.array(validLine, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0),
        (lines, delta) => {
          const problems = billArithmeticProblems(linesTotal(lines) + delta, lines);
          expect(problems.map((p) => p.code)).toEqual(['total_does_not_add_up']);
        },
      ),
    );
  });
});
