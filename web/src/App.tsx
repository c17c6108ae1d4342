import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { Button } from './components/Button';
import { Layout } from './components/Layout';
import { Page } from './components/Page';
import { BillsPage } from './features/guest-pay/BillsPage';
import { BillTypePage } from './features/guest-pay/BillTypePage';
import { ConfirmationPage } from './features/guest-pay/ConfirmationPage';
import { FinishPage } from './features/guest-pay/FinishPage';
import { LookupPage } from './features/guest-pay/LookupPage';
import { MethodPage } from './features/guest-pay/MethodPage';
import { RegionPage } from './features/guest-pay/RegionPage';
import { ReviewPage } from './features/guest-pay/ReviewPage';
import { SessionEndedPage } from './features/guest-pay/SessionEndedPage';
import { StartPage } from './features/guest-pay/StartPage';
import { RequireSession } from './features/guest-pay/session';
import { TimeoutWarning } from './features/guest-pay/TimeoutWarning';
import { AutopayOnPage } from './features/member/autopay/AutopayOnPage';
import { AutopayPage } from './features/member/autopay/AutopayPage';
import { SetupAutopayPage } from './features/member/autopay/SetupAutopayPage';
import { TurnOffAutopayPage } from './features/member/autopay/TurnOffAutopayPage';
import { BillDetailPage } from './features/member/bills/BillDetailPage';
import { BillsListPage } from './features/member/bills/BillsListPage';
import { CheckEmailPage } from './features/member/CheckEmailPage';
import { DashboardPage } from './features/member/DashboardPage';
import { ForgotPasswordPage, ForgotPasswordSentPage } from './features/member/ForgotPasswordPage';
import { MemberSessionEndedPage } from './features/member/MemberSessionEndedPage';
import { MemberTimeoutWarning } from './features/member/MemberTimeoutWarning';
import { PayBillsPage } from './features/member/pay/PayBillsPage';
import { PayConfirmationPage } from './features/member/pay/PayConfirmationPage';
import { PayMethodPage } from './features/member/pay/PayMethodPage';
import { PayReviewPage } from './features/member/pay/PayReviewPage';
import { RegisterPage } from './features/member/RegisterPage';
import { ResetPasswordDonePage, ResetPasswordPage } from './features/member/ResetPasswordPage';
import { SignedOutPage } from './features/member/SignedOutPage';
import { SignInPage } from './features/member/SignInPage';
import { CancelScheduledPage } from './features/member/scheduled/CancelScheduledPage';
import { ChangeScheduledPage } from './features/member/scheduled/ChangeScheduledPage';
import { ScheduledConfirmationPage } from './features/member/scheduled/ScheduledConfirmationPage';
import { ScheduledPaymentsPage } from './features/member/scheduled/ScheduledPaymentsPage';
import { MemberSessionProvider, RequireMember } from './features/member/session';
import { ChangePasswordPage } from './features/member/settings/ChangePasswordPage';
import {
  ProfileAddressPage,
  ProfileEmailPage,
  ProfileLanguagePage,
  ProfileMobilePage,
  ProfilePage,
} from './features/member/settings/ProfilePages';
import { SettingsPage } from './features/member/settings/SettingsPage';
import { TwoStepOffPage, TwoStepSetupPage } from './features/member/settings/TwoStepPages';
import { TwoStepSignInPage } from './features/member/TwoStepSignInPage';
import { VerifyEmailPage } from './features/member/VerifyEmailPage';
import { AddMethodPage } from './features/member/wallet/AddMethodPage';
import { RemoveMethodPage, RenameMethodPage } from './features/member/wallet/ChangeMethodPages';
import { WalletPage } from './features/member/wallet/WalletPage';
import { useOrganizationState } from './organization';
import { NotFoundPage } from './pages/NotFoundPage';

function Loading() {
  const { t } = useTranslation();
  return (
    <Page title={t('common.loading')}>
      <p className="lead" role="status">
        {t('common.loading')}
      </p>
    </Page>
  );
}

function Unavailable({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  return (
    <Page title={t('unavailable.title')} error>
      <h1 className="heading-l">{t('unavailable.title')}</h1>
      <p>{t('unavailable.body')}</p>
      <Button type="button" onClick={retry}>
        {t('unavailable.retry')}
      </Button>
    </Page>
  );
}

/** A page only a signed-in member sees (anyone else signs in first and comes back). */
function memberRoute(path: string, page: ReactNode) {
  return <Route key={path} path={path} element={<RequireMember>{page}</RequireMember>} />;
}

export function App() {
  const org = useOrganizationState();
  return (
    <MemberSessionProvider>
      <Layout>
        {org.status === 'loading' ? (
          <Loading />
        ) : org.status === 'error' ? (
          <Unavailable retry={org.retry} />
        ) : (
          <>
            <TimeoutWarning />
            <MemberTimeoutWarning />
            <Routes>
              <Route path="/" element={<StartPage />} />
              <Route path="/pay" element={<StartPage />} />
              <Route path="/pay/region" element={<RegionPage />} />
              <Route path="/pay/bill-type" element={<BillTypePage />} />
              <Route path="/pay/find" element={<LookupPage />} />
              <Route
                path="/pay/bills"
                element={
                  <RequireSession>
                    <BillsPage />
                  </RequireSession>
                }
              />
              <Route
                path="/pay/method"
                element={
                  <RequireSession paymentPage>
                    <MethodPage />
                  </RequireSession>
                }
              />
              <Route
                path="/pay/review"
                element={
                  <RequireSession paymentPage>
                    <ReviewPage />
                  </RequireSession>
                }
              />
              <Route path="/pay/confirmation/:paymentId" element={<ConfirmationPage />} />
              <Route path="/pay/session-ended" element={<SessionEndedPage />} />
              <Route path="/pay/finish" element={<FinishPage />} />
              <Route path="/sign-in" element={<SignInPage />} />
              <Route path="/sign-in/two-step" element={<TwoStepSignInPage />} />
              <Route path="/sign-in/forgot-password" element={<ForgotPasswordPage />} />
              <Route path="/sign-in/forgot-password/check-email" element={<ForgotPasswordSentPage />} />
              <Route path="/reset-password" element={<ResetPasswordPage />} />
              <Route path="/reset-password/done" element={<ResetPasswordDonePage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route path="/register/check-email" element={<CheckEmailPage />} />
              <Route path="/verify-email" element={<VerifyEmailPage />} />
              <Route
                path="/account"
                element={
                  <RequireMember>
                    <DashboardPage />
                  </RequireMember>
                }
              />
              {memberRoute('/account/bills', <BillsListPage />)}
              {memberRoute('/account/bills/:billId', <BillDetailPage />)}
              {memberRoute('/account/payment-methods', <WalletPage />)}
              {memberRoute('/account/payment-methods/add', <AddMethodPage />)}
              {memberRoute('/account/payment-methods/:methodId/rename', <RenameMethodPage />)}
              {memberRoute('/account/payment-methods/:methodId/remove', <RemoveMethodPage />)}
              {memberRoute('/account/settings', <SettingsPage />)}
              {memberRoute('/account/settings/password', <ChangePasswordPage />)}
              {memberRoute('/account/settings/two-step', <TwoStepSetupPage />)}
              {memberRoute('/account/settings/two-step/turn-off', <TwoStepOffPage />)}
              {memberRoute('/account/profile', <ProfilePage />)}
              {memberRoute('/account/profile/email', <ProfileEmailPage />)}
              {memberRoute('/account/profile/mobile', <ProfileMobilePage />)}
              {memberRoute('/account/profile/address', <ProfileAddressPage />)}
              {memberRoute('/account/profile/language', <ProfileLanguagePage />)}
              {memberRoute('/account/pay', <PayBillsPage />)}
              {memberRoute('/account/pay/method', <PayMethodPage />)}
              {memberRoute('/account/pay/review', <PayReviewPage />)}
              {memberRoute('/account/pay/confirmation/:paymentId', <PayConfirmationPage />)}
              {memberRoute('/account/pay/scheduled/:scheduledPaymentId', <ScheduledConfirmationPage />)}
              {memberRoute('/account/scheduled-payments', <ScheduledPaymentsPage />)}
              {memberRoute('/account/scheduled-payments/:scheduledPaymentId/change', <ChangeScheduledPage />)}
              {memberRoute('/account/scheduled-payments/:scheduledPaymentId/cancel', <CancelScheduledPage />)}
              {memberRoute('/account/autopay', <AutopayPage />)}
              {memberRoute('/account/autopay/:accountId', <SetupAutopayPage />)}
              {memberRoute('/account/autopay/:accountId/on', <AutopayOnPage />)}
              {memberRoute('/account/autopay/:accountId/turn-off', <TurnOffAutopayPage />)}
              <Route path="/account/session-ended" element={<MemberSessionEndedPage />} />
              <Route path="/signed-out" element={<SignedOutPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </>
        )}
      </Layout>
    </MemberSessionProvider>
  );
}
