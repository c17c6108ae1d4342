/**
 * The signed-in member's pages (bills, payments, autopay, settings), loaded as one chunk when a
 * member first opens one of them (App.tsx). The member session provider, guard and time-out
 * warning stay in the first load: the header shows the member's navigation on every page.
 */
export { AutopayOnPage } from '../features/member/autopay/AutopayOnPage';
export { AutopayPage } from '../features/member/autopay/AutopayPage';
export { SetupAutopayPage } from '../features/member/autopay/SetupAutopayPage';
export { TurnOffAutopayPage } from '../features/member/autopay/TurnOffAutopayPage';
export { BillDetailPage } from '../features/member/bills/BillDetailPage';
export { BillsListPage } from '../features/member/bills/BillsListPage';
export { DashboardPage } from '../features/member/DashboardPage';
export { PayBillsPage } from '../features/member/pay/PayBillsPage';
export { PayConfirmationPage } from '../features/member/pay/PayConfirmationPage';
export { PayMethodPage } from '../features/member/pay/PayMethodPage';
export { PayReviewPage } from '../features/member/pay/PayReviewPage';
export { CancelScheduledPage } from '../features/member/scheduled/CancelScheduledPage';
export { ChangeScheduledPage } from '../features/member/scheduled/ChangeScheduledPage';
export { ScheduledConfirmationPage } from '../features/member/scheduled/ScheduledConfirmationPage';
export { ScheduledPaymentsPage } from '../features/member/scheduled/ScheduledPaymentsPage';
export { ChangePasswordPage } from '../features/member/settings/ChangePasswordPage';
export {
  ProfileAddressPage,
  ProfileEmailPage,
  ProfileLanguagePage,
  ProfileMobilePage,
  ProfilePage,
} from '../features/member/settings/ProfilePages';
export { SettingsPage } from '../features/member/settings/SettingsPage';
export { TwoStepOffPage, TwoStepSetupPage } from '../features/member/settings/TwoStepPages';
export { AddMethodPage } from '../features/member/wallet/AddMethodPage';
export { RemoveMethodPage, RenameMethodPage } from '../features/member/wallet/ChangeMethodPages';
export { WalletPage } from '../features/member/wallet/WalletPage';
