import { z } from 'zod';

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD');

export const billLineView = z.object({
  description: z.string(),
  serviceDate: isoDate.nullable(),
  code: z.string().nullable(),
  chargeCents: z.number().int(),
  insurancePaidCents: z.number().int(),
  adjustmentCents: z.number().int(),
  youOweCents: z.number().int(),
});

export const billView = z.object({
  id: z.uuid(),
  kind: z.enum(['hospital', 'professional', 'premium']),
  number: z.string(),
  /** First name and last initial only, e.g. "Maria R." */
  patientName: z.string(),
  provider: z.string().nullable(),
  facility: z.string().nullable(),
  visitDate: isoDate.nullable(),
  coverageStart: isoDate.nullable(),
  coverageEnd: isoDate.nullable(),
  statementDate: isoDate,
  dueDate: isoDate,
  amountCents: z.number().int(),
  balanceCents: z.number().int(),
  status: z.enum(['open', 'paid', 'void']),
  /** A payment for this bill is being processed right now. */
  paymentInProgress: z.boolean(),
  lines: z.array(billLineView),
});

export type BillView = z.infer<typeof billView>;
export type BillLineView = z.infer<typeof billLineView>;
