-- The addresses a payment's receipt went to, counted before another is queued (a guest session may
-- send its receipt to a few addresses, not to a mailing list): found by the payment, not by a scan.
create index outbox_emails_receipt_payment_idx on outbox_emails ((attachment_ref ->> 'receiptPaymentId'))
  where kind = 'payment_receipt';
