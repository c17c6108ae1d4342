/**
 * The guest payment pages, loaded as one chunk when a guest first opens one of them (App.tsx).
 * The start page, the session guard and the time-out warning stay in the first load.
 */
export { BillsPage } from '../features/guest-pay/BillsPage';
export { BillTypePage } from '../features/guest-pay/BillTypePage';
export { ConfirmationPage } from '../features/guest-pay/ConfirmationPage';
export { FinishPage } from '../features/guest-pay/FinishPage';
export { LookupPage } from '../features/guest-pay/LookupPage';
export { MethodPage } from '../features/guest-pay/MethodPage';
export { RegionPage } from '../features/guest-pay/RegionPage';
export { ReviewPage } from '../features/guest-pay/ReviewPage';
export { SessionEndedPage } from '../features/guest-pay/SessionEndedPage';
