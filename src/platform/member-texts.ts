/**
 * The texts a member gets. Short, plain, and never a name, date of birth, record number, account
 * number or amount owed: a text can be read on a locked phone's screen.
 */
type Locale = 'en' | 'es';

export function mobileCodeText(input: {
  locale: Locale;
  organizationName: string;
  code: string;
  minutes: number;
}): string {
  const { organizationName: org, code, minutes } = input;
  return input.locale === 'es'
    ? `${org}: su código para confirmar este número es ${code}. Vence en ${minutes} minutos. No lo comparta con nadie; nunca se lo pediremos por teléfono.`
    : `${org}: your code to confirm this number is ${code}. It expires in ${minutes} minutes. Do not share it; we will never call you to ask for it.`;
}
