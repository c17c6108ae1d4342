import { Component, type ComponentType, lazy, type ReactNode, Suspense, useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { Button } from './components/Button';
import { Layout } from './components/Layout';
import { Page } from './components/Page';
import { StartPage } from './features/guest-pay/StartPage';
import { RequireSession } from './features/guest-pay/session';
import { TimeoutWarning } from './features/guest-pay/TimeoutWarning';
import { MemberTimeoutWarning } from './features/member/MemberTimeoutWarning';
import { MemberSessionProvider, RequireMember } from './features/member/session';
import { loadAreaTexts } from './i18n';
import type { Area } from './i18n/parts';
import { useOrganizationState } from './organization';
import { NotFoundPage } from './pages/NotFoundPage';

/**
 * Each area of the app is one chunk, fetched the first time one of its pages is shown; the home
 * page, the layout and the guards are in the first load. Navigations run in a transition
 * (react-router), so moving into an area not loaded yet keeps the current page up until it is in.
 */
function loadOnce<M>(load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | null = null;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = null; // a failed fetch (connection lost) is tried again next time
      throw err;
    });
    return loading;
  };
}
/** An area's code and its texts in the language shown (i18n/parts.ts); its pages render once both are in. */
function areaLoader<M>(area: Area, load: () => Promise<M>): () => Promise<M> {
  return loadOnce(() => Promise.all([load(), loadAreaTexts(area)]).then(([m]) => m));
}
const guestArea = areaLoader('guest', () => import('./areas/guest'));
const signInArea = areaLoader('sign-in', () => import('./areas/sign-in'));
const memberArea = areaLoader('member', () => import('./areas/member'));

/** The area a page belongs to, as the routes below place it (the home page is in the first load). */
function areaOf(path: string): (() => Promise<unknown>) | null {
  if (/^\/pay\/./.test(path)) return guestArea;
  if (/^\/(sign-in|register|reset-password|verify-email|signed-out|account\/session-ended)(\/|$)/.test(path))
    return signInArea;
  if (/^\/account(\/|$)/.test(path)) return memberArea;
  return null;
}
// The first page's area (its code and its texts) starts loading now, beside the core texts, not after
// the first render.
void areaOf(window.location.pathname)?.().catch(() => {});

/** A lazily loaded page of an area; every page takes no props (the routes pass none). */
function pageOf<M extends Record<string, ComponentType>>(area: () => Promise<M>) {
  return (name: keyof M) => lazy(() => area().then((m) => ({ default: m[name] })));
}
const guestPage = pageOf(guestArea);
const signInPage = pageOf(signInArea);
const memberPage = pageOf(memberArea);

const BillsPage = guestPage('BillsPage');
const BillTypePage = guestPage('BillTypePage');
const ConfirmationPage = guestPage('ConfirmationPage');
const FinishPage = guestPage('FinishPage');
const LookupPage = guestPage('LookupPage');
const MethodPage = guestPage('MethodPage');
const RegionPage = guestPage('RegionPage');
const ReviewPage = guestPage('ReviewPage');
const SessionEndedPage = guestPage('SessionEndedPage');

const CheckEmailPage = signInPage('CheckEmailPage');
const ForgotPasswordPage = signInPage('ForgotPasswordPage');
const ForgotPasswordSentPage = signInPage('ForgotPasswordSentPage');
const MemberSessionEndedPage = signInPage('MemberSessionEndedPage');
const RegisterPage = signInPage('RegisterPage');
const ResetPasswordDonePage = signInPage('ResetPasswordDonePage');
const ResetPasswordPage = signInPage('ResetPasswordPage');
const SignedOutPage = signInPage('SignedOutPage');
const SignInPage = signInPage('SignInPage');
const TwoStepSignInPage = signInPage('TwoStepSignInPage');
const VerifyEmailPage = signInPage('VerifyEmailPage');

const AutopayOnPage = memberPage('AutopayOnPage');
const AutopayPage = memberPage('AutopayPage');
const SetupAutopayPage = memberPage('SetupAutopayPage');
const TurnOffAutopayPage = memberPage('TurnOffAutopayPage');
const BillDetailPage = memberPage('BillDetailPage');
const BillsListPage = memberPage('BillsListPage');
const DashboardPage = memberPage('DashboardPage');
const PayBillsPage = memberPage('PayBillsPage');
const PayConfirmationPage = memberPage('PayConfirmationPage');
const PayMethodPage = memberPage('PayMethodPage');
const PayReviewPage = memberPage('PayReviewPage');
const CancelScheduledPage = memberPage('CancelScheduledPage');
const ChangeScheduledPage = memberPage('ChangeScheduledPage');
const ScheduledConfirmationPage = memberPage('ScheduledConfirmationPage');
const ScheduledPaymentsPage = memberPage('ScheduledPaymentsPage');
const ChangePasswordPage = memberPage('ChangePasswordPage');
const ProfileAddressPage = memberPage('ProfileAddressPage');
const ProfileEmailPage = memberPage('ProfileEmailPage');
const ProfileLanguagePage = memberPage('ProfileLanguagePage');
const ProfileMobilePage = memberPage('ProfileMobilePage');
const ProfilePage = memberPage('ProfilePage');
const SettingsPage = memberPage('SettingsPage');
const TwoStepOffPage = memberPage('TwoStepOffPage');
const TwoStepSetupPage = memberPage('TwoStepSetupPage');
const AddMethodPage = memberPage('AddMethodPage');
const RemoveMethodPage = memberPage('RemoveMethodPage');
const RenameMethodPage = memberPage('RenameMethodPage');
const WalletPage = memberPage('WalletPage');

function Loading() {
  const { t } = useTranslation();
  return (
    <Page title={t('common.loading')}>
      {/* A screen tall, so the footer stays below the fold until the page comes: no layout shift. */}
      <div style={{ minHeight: '100vh' }}>
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      </div>
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

/**
 * An area's code that could not be fetched (the connection dropped, or a deploy replaced it) shows
 * the "try again" page instead of a blank screen; trying again reloads, which fetches the current
 * code.
 */
class AreaErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <Unavailable retry={() => window.location.reload()} /> : this.props.children;
  }
}

/** A page only a signed-in member sees (anyone else signs in first and comes back). */
function memberRoute(path: string, page: ReactNode) {
  return <Route key={path} path={path} element={<RequireMember>{page}</RequireMember>} />;
}

export function App() {
  // Deferred: the first full page renders in a transition, which React splits into short tasks
  // instead of one long one that would hold up a slow phone (Lighthouse's total blocking time).
  const org = useDeferredValue(useOrganizationState());
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
            <AreaErrorBoundary>
              {/* The fallback shows only on a first load straight into an area (navigations keep the page up). */}
              <Suspense fallback={<Loading />}>
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
                  {memberRoute(
                    '/account/scheduled-payments/:scheduledPaymentId/change',
                    <ChangeScheduledPage />,
                  )}
                  {memberRoute(
                    '/account/scheduled-payments/:scheduledPaymentId/cancel',
                    <CancelScheduledPage />,
                  )}
                  {memberRoute('/account/autopay', <AutopayPage />)}
                  {memberRoute('/account/autopay/:accountId', <SetupAutopayPage />)}
                  {memberRoute('/account/autopay/:accountId/on', <AutopayOnPage />)}
                  {memberRoute('/account/autopay/:accountId/turn-off', <TurnOffAutopayPage />)}
                  <Route path="/account/session-ended" element={<MemberSessionEndedPage />} />
                  <Route path="/signed-out" element={<SignedOutPage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Routes>
              </Suspense>
            </AreaErrorBoundary>
          </>
        )}
      </Layout>
    </MemberSessionProvider>
  );
}
