/**
 * The member pages anyone can open: signing in (and its second step), registering, a forgotten
 * password, the signed-out and session-ended pages. One small chunk apart from the account pages,
 * so the sign-in page does not wait for every page behind it (App.tsx).
 */
export { CheckEmailPage } from '../features/member/CheckEmailPage';
export { ForgotPasswordPage, ForgotPasswordSentPage } from '../features/member/ForgotPasswordPage';
export { MemberSessionEndedPage } from '../features/member/MemberSessionEndedPage';
export { RegisterPage } from '../features/member/RegisterPage';
export { ResetPasswordDonePage, ResetPasswordPage } from '../features/member/ResetPasswordPage';
export { SignedOutPage } from '../features/member/SignedOutPage';
export { SignInPage } from '../features/member/SignInPage';
export { TwoStepSignInPage } from '../features/member/TwoStepSignInPage';
export { VerifyEmailPage } from '../features/member/VerifyEmailPage';
