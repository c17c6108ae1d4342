import { useTranslation } from 'react-i18next';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';

export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Each region's phone number and hours; the hours once when every region keeps the same. */
export function RegionContacts({ only }: { only?: string | null }) {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const lang = langOf(i18n.language);
  const regions = only ? org.regions.filter((r) => r.id === only) : org.regions;
  const firstHours = regions[0]?.hours[lang];
  const sameHours =
    regions.length > 1 && firstHours && regions.every((r) => r.hours[lang] === firstHours)
      ? firstHours
      : null;
  return (
    <>
      {sameHours ? <p className="contact-hours">{t('start.allHours', { hours: sameHours })}</p> : null}
      <ul className="contact-list">
        {regions.map((r) => (
          <li key={r.id} className="contact-list__item">
            <span className="contact-list__region">{r.name[lang]}</span>
            <a className="contact-list__phone" href={telHref(r.phone)}>
              {r.phone}
            </a>
            {sameHours ? null : <span className="contact-list__hours">{r.hours[lang]}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}
