-- FHIR PaymentReconciliation and PaymentNotice searches (`created=ge…`) page through every account's
-- payments in creation order (created_at, id): decision 0037.
create index payments_created_idx on payments (created_at, id);
