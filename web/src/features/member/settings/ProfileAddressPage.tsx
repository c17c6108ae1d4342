import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../../api';
import { TextInput } from '../../../components/Field';
import { useRefocusHeading } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { ProfileForm, problemOf, useProfile, useSave, ZIP } from './profile-shared';

type AddressField = 'line1' | 'line2' | 'city' | 'state' | 'postalCode';
const ADDRESS_IDS: Record<AddressField, string> = {
  line1: 'address-line1',
  line2: 'address-line2',
  city: 'address-city',
  state: 'address-state',
  postalCode: 'address-postal-code',
};

/** /account/profile/address: where letters go; all empty removes it. */
export function ProfileAddressPage() {
  const { t } = useTranslation();
  const { profile } = useProfile();
  const { busy, save } = useSave();
  const [draft, setDraft] = useState<Record<AddressField, string> | null>(null);
  const form = useFormErrors();
  useRefocusHeading(profile !== null);
  const saved = profile?.mailingAddress;
  const values: Record<AddressField, string> = draft ?? {
    line1: saved?.line1 ?? '',
    line2: saved?.line2 ?? '',
    city: saved?.city ?? '',
    state: saved?.state ?? '',
    postalCode: saved?.postalCode ?? '',
  };
  const set = (f: AddressField, v: string) => {
    setDraft({ ...values, [f]: v });
    form.clearField(ADDRESS_IDS[f]);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, x.trim()])) as Record<
      AddressField,
      string
    >;
    const empty = Object.values(v).every((x) => !x);
    const errors: FieldMsg[] = [];
    if (!empty) {
      if (!v.line1) errors.push({ id: ADDRESS_IDS.line1, key: 'profile.errors.line1' });
      if (!v.city) errors.push({ id: ADDRESS_IDS.city, key: 'profile.errors.city' });
      if (!/^[A-Za-z]{2}$/.test(v.state)) errors.push({ id: ADDRESS_IDS.state, key: 'profile.errors.state' });
      if (!ZIP.test(v.postalCode)) errors.push({ id: ADDRESS_IDS.postalCode, key: 'profile.errors.zip' });
    }
    if (errors.length > 0) return form.setErrors(errors);
    void save(
      (csrf) =>
        api.updateProfile(csrf, {
          mailingAddress: empty
            ? null
            : {
                line1: v.line1,
                line2: v.line2 || null,
                city: v.city,
                state: v.state.toUpperCase(),
                postalCode: v.postalCode,
              },
        }),
      { key: empty ? 'profile.addressRemoved' : 'profile.addressSaved' },
      (err) => {
        const fields = isApiError(err) ? (err.problem.errors ?? []) : [];
        const list: FieldMsg[] = [];
        for (const f of fields) {
          const name = f.field.replace(/^mailingAddress\./, '') as AddressField;
          const key = { line1: 'line1', line2: 'line1', city: 'city', state: 'state', postalCode: 'zip' }[
            name
          ];
          if (key) list.push({ id: ADDRESS_IDS[name], key: `profile.errors.${key}` });
        }
        form.setErrors(list.length > 0 ? list : [problemOf(err)]);
      },
    );
  }

  return (
    <ProfileForm
      title={t('profile.addressTitle')}
      intro={<p>{t('profile.addressIntro')}</p>}
      form={form}
      busy={busy}
      onSubmit={submit}
    >
      <TextInput
        id={ADDRESS_IDS.line1}
        name="line1"
        label={t('profile.line1')}
        error={form.fieldError(ADDRESS_IDS.line1)}
        value={values.line1}
        onChange={(e) => set('line1', e.target.value)}
        autoComplete="address-line1"
        maxLength={100}
      />
      <TextInput
        id={ADDRESS_IDS.line2}
        name="line2"
        label={t('profile.line2')}
        error={form.fieldError(ADDRESS_IDS.line2)}
        value={values.line2}
        onChange={(e) => set('line2', e.target.value)}
        autoComplete="address-line2"
        maxLength={100}
      />
      <TextInput
        id={ADDRESS_IDS.city}
        name="city"
        label={t('profile.city')}
        error={form.fieldError(ADDRESS_IDS.city)}
        value={values.city}
        onChange={(e) => set('city', e.target.value)}
        autoComplete="address-level2"
        maxLength={60}
        width="20"
      />
      <TextInput
        id={ADDRESS_IDS.state}
        name="state"
        label={t('profile.state')}
        hint={t('profile.stateHint')}
        error={form.fieldError(ADDRESS_IDS.state)}
        value={values.state}
        onChange={(e) => set('state', e.target.value)}
        autoComplete="address-level1"
        autoCapitalize="characters"
        maxLength={2}
        width="3"
      />
      <TextInput
        id={ADDRESS_IDS.postalCode}
        name="postalCode"
        label={t('profile.zip')}
        error={form.fieldError(ADDRESS_IDS.postalCode)}
        value={values.postalCode}
        onChange={(e) => set('postalCode', e.target.value)}
        autoComplete="postal-code"
        inputMode="numeric"
        maxLength={10}
        width="10"
      />
    </ProfileForm>
  );
}

/** /account/profile/language: for emails and letters; the pages switch too. */
