/**
 * The arithmetic a bill from the organization's billing system must satisfy before Settle takes it:
 * each line's patient responsibility is its charge less what insurance paid less the adjustment
 * (the negotiated discount), and the bill's total is the sum of its lines' patient responsibilities.
 * Pure: the intake schema and services check with it, and an importer gets the same answers.
 */

/** A bill line's amounts, in integer cents, as the billing system sends them. */
export interface LineAmounts {
  readonly chargeCents: number;
  readonly insurancePaidCents: number;
  readonly adjustmentCents: number;
  readonly patientResponsibilityCents: number;
}

/** Where a problem is, as a path inside the bill: `['lines', 2, 'patientResponsibilityCents']`. */
export type ProblemPath = readonly (string | number)[];

export interface ArithmeticProblem {
  path: ProblemPath;
  code: 'line_does_not_add_up' | 'total_does_not_add_up' | 'nothing_to_pay';
  message: string;
}

/** What the patient owes on a line: charge − insurance paid − adjustment. */
export function lineResponsibility(line: Omit<LineAmounts, 'patientResponsibilityCents'>): number {
  return line.chargeCents - line.insurancePaidCents - line.adjustmentCents;
}

/** The sum of the lines' patient responsibilities: the bill's total. */
export function linesTotal(lines: readonly Pick<LineAmounts, 'patientResponsibilityCents'>[]): number {
  return lines.reduce((sum, line) => sum + line.patientResponsibilityCents, 0);
}

/**
 * Every arithmetic problem of a bill, in order: each line whose patient responsibility is not its
 * charge − insurance paid − adjustment (naming the line and the field), then a total that is not the
 * sum of the lines, or a bill that leaves nothing to pay. Empty when the bill adds up.
 */
export function billArithmeticProblems(
  totalCents: number,
  lines: readonly LineAmounts[],
): ArithmeticProblem[] {
  const problems: ArithmeticProblem[] = [];
  lines.forEach((line, index) => {
    const expected = lineResponsibility(line);
    if (line.patientResponsibilityCents !== expected) {
      problems.push({
        path: ['lines', index, 'patientResponsibilityCents'],
        code: 'line_does_not_add_up',
        message:
          `Line ${index + 1}: patient responsibility is ${line.patientResponsibilityCents}, but charge ` +
          `${line.chargeCents} − insurance paid ${line.insurancePaidCents} − adjustment ` +
          `${line.adjustmentCents} = ${expected}`,
      });
    }
  });
  const sum = linesTotal(lines);
  if (totalCents !== sum) {
    problems.push({
      path: ['totalCents'],
      code: 'total_does_not_add_up',
      message: `The total is ${totalCents}, but the lines' patient responsibilities add up to ${sum}`,
    });
  } else if (totalCents <= 0) {
    problems.push({
      path: ['totalCents'],
      code: 'nothing_to_pay',
      message: 'A bill must leave something for the patient to pay (a total above 0)',
    });
  }
  return problems;
}
