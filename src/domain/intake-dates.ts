/**
 * Date rules for records from the organization's billing system. Dates are ISO yyyy-mm-dd strings
 * already known to name real days (dates.ts isValidIsoDate), so they compare as strings.
 */
import type { ProblemPath } from './bill-lines';

export interface DateProblem {
  path: ProblemPath;
  code: 'date_in_future' | 'date_too_early' | 'date_out_of_order';
  message: string;
}

/** The earliest date of birth taken: anything before is a typo. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

/** Why a date of birth cannot be right on `today` (the region's today), or null. */
export function birthDateProblem(birthDate: string, today: string): DateProblem | null {
  if (birthDate > today) {
    return {
      path: ['birthDate'],
      code: 'date_in_future',
      message: `A date of birth cannot be after today (${today})`,
    };
  }
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return {
      path: ['birthDate'],
      code: 'date_too_early',
      message: `A date of birth before ${EARLIEST_BIRTH_DATE} is not taken; check the year`,
    };
  }
  return null;
}

export interface BillDates {
  readonly statementDate: string;
  readonly dueDate: string;
  readonly visitDate?: string | null | undefined;
  readonly coverageStart?: string | null | undefined;
  readonly coverageEnd?: string | null | undefined;
  readonly lines: readonly { readonly serviceDate?: string | null | undefined }[];
}

/**
 * The order a bill's dates must be in: care (the visit, each service) on or before the statement,
 * the due date on or after it, and coverage that ends on or after it starts.
 */
export function billDateProblems(bill: BillDates): DateProblem[] {
  const problems: DateProblem[] = [];
  const outOfOrder = (path: ProblemPath, message: string) =>
    problems.push({ path, code: 'date_out_of_order', message });
  if (bill.dueDate < bill.statementDate) {
    outOfOrder(['dueDate'], `The due date cannot be before the statement date (${bill.statementDate})`);
  }
  if (bill.visitDate && bill.visitDate > bill.statementDate) {
    outOfOrder(['visitDate'], `The visit cannot be after the statement date (${bill.statementDate})`);
  }
  if (bill.coverageStart && bill.coverageEnd && bill.coverageEnd < bill.coverageStart) {
    outOfOrder(['coverageEnd'], `Coverage cannot end before it starts (${bill.coverageStart})`);
  }
  bill.lines.forEach((line, index) => {
    if (line.serviceDate && line.serviceDate > bill.statementDate) {
      outOfOrder(
        ['lines', index, 'serviceDate'],
        `Line ${index + 1}: the service cannot be after the statement date (${bill.statementDate})`,
      );
    }
  });
  return problems;
}
