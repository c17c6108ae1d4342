// The session-ended page shares its body with the signed-out page.
export { MemberSessionEndedPage } from './SignedOutPage';
