import { useTranslation } from 'react-i18next';
import { SingleCheckbox } from '../../components/Field';
import type { useFormErrors } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';

/** The organization's ACH authorization text and the box that accepts it. */
export function BankAuthorization({
  label,
  checked,
  onChange,
  form,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  form: ReturnType<typeof useFormErrors>;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  return (
    <div className="authorization">
      <h2 className="heading-m">{t('review.authorizationTitle')}</h2>
      <div className="inset" id="ach-text" lang={lang}>
        <p>{org.payments.achAuthorization.text[lang]}</p>
      </div>
      <SingleCheckbox
        id="bank-authorization"
        label={label}
        checked={checked}
        onChange={(v) => {
          onChange(v);
          form.clearField('bank-authorization');
        }}
        error={form.fieldError('bank-authorization')}
      />
    </div>
  );
}

/** What a bank payment carries: the version of the ACH authorization text the payer accepted. */
export function useAchAuthorization() {
  const version = useOrganization().payments.achAuthorization.version;
  return {
    version,
    /** The request's bankAuthorization, for a bank account only. */
    forBody: (isBank: boolean) =>
      isBank ? { bankAuthorization: { accepted: true as const, textVersion: version } } : {},
  };
}
