-- A payment receipt is queued by reference ({"receiptPaymentId", "locale"}) and its subject and bodies
-- are rendered from the payment when it is sent, as its PDF already was: queueing thousands of
-- receipts in one autopay run then writes a few bytes each, not a rendered HTML page.
alter table outbox_emails
  alter column subject drop not null,
  alter column text_body drop not null,
  alter column html_body drop not null,
  add constraint outbox_emails_content check (
    (subject is not null and text_body is not null and html_body is not null)
    or (subject is null and text_body is null and html_body is null and attachment_ref ? 'receiptPaymentId')
  );
