-- A member's contact details and preferences: mobile number, mailing address; changing the email
-- address goes through a link sent to the new address.

alter table members add column mobile_number text;
alter table members add column mobile_verified_at timestamptz;
alter table members add column mailing_address jsonb;

alter table member_tokens drop constraint member_tokens_purpose_check;
alter table member_tokens add constraint member_tokens_purpose_check
  check (purpose in ('verify_email', 'reset_password', 'change_email'));
-- For change_email: the address the link was sent to, which becomes the member's when it is used.
alter table member_tokens add column new_email text;
