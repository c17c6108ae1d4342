import { describe, expect, it } from 'vitest';
import { billDateProblems, birthDateProblem } from './intake-dates';

describe('birthDateProblem', () => {
  it('takes today and earlier, back to 1900', () => {
    expect(birthDateProblem('2026-11-23', '2026-11-23')).toBeNull();
    expect(birthDateProblem('1900-01-01', '2026-11-23')).toBeNull();
  });

  it('refuses a date after today and one before 1900', () => {
    expect(birthDateProblem('2026-11-24', '2026-11-23')).toMatchObject({
      path: ['birthDate'],
      code: 'date_in_future',
    });
    expect(birthDateProblem('1899-12-31', '2026-11-23')?.code).toBe('date_too_early');
  });
});

describe('billDateProblems', () => {
  const bill = { statementDate: '2026-10-20', dueDate: '2026-11-19', visitDate: '2026-10-01', lines: [] };

  it('takes dates in order', () => {
    expect(billDateProblems({ ...bill, lines: [{ serviceDate: '2026-10-01' }, {}] })).toEqual([]);
    expect(billDateProblems({ ...bill, dueDate: '2026-10-20' })).toEqual([]);
  });

  it('names each date out of order', () => {
    const problems = billDateProblems({
      statementDate: '2026-10-20',
      dueDate: '2026-10-19',
      visitDate: '2026-10-21',
      coverageStart: '2026-12-01',
      coverageEnd: '2026-11-30',
      lines: [{ serviceDate: '2026-10-01' }, { serviceDate: '2026-10-30' }],
    });
    expect(problems.map((p) => p.path)).toEqual([
      ['dueDate'],
      ['visitDate'],
      ['coverageEnd'],
      ['lines', 1, 'serviceDate'],
    ]);
    expect(problems.every((p) => p.code === 'date_out_of_order')).toBe(true);
  });
});
