import type { InputHTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function describedBy(...ids: (string | false | undefined | null)[]): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

export function ErrorMessage({ id, children }: { id: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <p className="error-message" id={id}>
      <span className="visually-hidden">{t('common.errorPrefix')} </span>
      {children}
    </p>
  );
}

interface TextInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'prefix'> {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** A "Where do I find this?" disclosure shown under the hint. */
  help?: ReactNode;
  /** Shown before the input, like '$'. */
  prefix?: string;
  /** Shown after the input, like the detected card brand. */
  suffix?: ReactNode;
  width?: 'full' | '20' | '10' | '5' | '4' | '3';
  labelClassName?: string;
}

/** A labelled text input with its hint and error message wired through aria-describedby. */
export function TextInput({
  id,
  label,
  hint,
  error,
  help,
  prefix,
  suffix,
  width = 'full',
  labelClassName,
  className,
  ...input
}: TextInputProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label className={labelClassName ? `label ${labelClassName}` : 'label'} htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error && errorId ? <ErrorMessage id={errorId}>{error}</ErrorMessage> : null}
      <div className={suffix ? 'input-wrap input-wrap--suffix' : 'input-wrap'}>
        {prefix ? (
          <span className="input-prefix" aria-hidden="true">
            {prefix}
          </span>
        ) : null}
        <input
          type="text"
          {...input}
          id={id}
          className={['input', `input--w${width}`, error ? 'input--error' : '', className ?? '']
            .join(' ')
            .trim()}
          aria-describedby={describedBy(hintId, errorId, input['aria-describedby'])}
          aria-invalid={error ? true : undefined}
        />
        {suffix}
      </div>
      {help}
    </div>
  );
}

export interface ChoiceOption {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Revealed under the option while it is selected. */
  conditional?: ReactNode;
  disabled?: boolean;
}

interface ChoicesProps {
  idBase: string;
  name: string;
  legend: ReactNode;
  legendIsHeading?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  options: ChoiceOption[];
  className?: string;
}

/** id of the first option: the one an error summary link focuses. */
export function optionId(idBase: string, index: number, value: string): string {
  return index === 0 ? idBase : `${idBase}-${value}`;
}

function Fieldset({
  idBase,
  legend,
  legendIsHeading,
  hint,
  error,
  className,
  children,
}: Omit<ChoicesProps, 'options' | 'name'> & { children: ReactNode }) {
  const hintId = hint ? `${idBase}-hint` : undefined;
  const errorId = error ? `${idBase}-error` : undefined;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <fieldset
        className={className ? `fieldset ${className}` : 'fieldset'}
        aria-describedby={describedBy(hintId, errorId)}
      >
        <legend className={legendIsHeading ? 'legend legend--heading' : 'legend'}>
          {legendIsHeading ? <h1 className="heading-l">{legend}</h1> : legend}
        </legend>
        {hint ? (
          <div className="hint" id={hintId}>
            {hint}
          </div>
        ) : null}
        {error && errorId ? <ErrorMessage id={errorId}>{error}</ErrorMessage> : null}
        {children}
      </fieldset>
    </div>
  );
}

/** One radio or checkbox with its label, hint and (when chosen) its conditional reveal. */
function ChoiceItem({
  type,
  id,
  name,
  option,
  checked,
  onToggle,
}: {
  type: 'radio' | 'checkbox';
  id: string;
  name: string;
  option: ChoicesProps['options'][number];
  checked: boolean;
  onToggle: (checked: boolean) => void;
}) {
  const hintId = option.hint ? `${id}-item-hint` : undefined;
  return (
    <div className="choice-group">
      <div className={`choice choice--${type}`}>
        <input
          className="choice__input"
          type={type}
          id={id}
          name={name}
          value={option.value}
          checked={checked}
          disabled={option.disabled}
          onChange={(e) => onToggle(e.target.checked)}
          aria-describedby={hintId}
        />
        <label className="choice__label" htmlFor={id}>
          {option.label}
        </label>
        {option.hint ? (
          <div className="hint choice__hint" id={hintId}>
            {option.hint}
          </div>
        ) : null}
      </div>
      {checked && option.conditional ? <div className="conditional">{option.conditional}</div> : null}
    </div>
  );
}

export function Radios({
  value,
  onChange,
  ...props
}: ChoicesProps & { value: string | null; onChange: (value: string) => void }) {
  return (
    <Fieldset {...props}>
      <div className="choices">
        {props.options.map((option, index) => (
          <ChoiceItem
            key={option.value}
            type="radio"
            id={optionId(props.idBase, index, option.value)}
            name={props.name}
            option={option}
            checked={value === option.value}
            onToggle={() => onChange(option.value)}
          />
        ))}
      </div>
    </Fieldset>
  );
}

export function Checkboxes({
  values,
  onChange,
  ...props
}: ChoicesProps & { values: string[]; onChange: (values: string[]) => void }) {
  return (
    <Fieldset {...props}>
      <div className="choices">
        {props.options.map((option, index) => (
          <ChoiceItem
            key={option.value}
            type="checkbox"
            id={optionId(props.idBase, index, option.value)}
            name={props.name}
            option={option}
            checked={values.includes(option.value)}
            onToggle={(checked) =>
              onChange(checked ? [...values, option.value] : values.filter((v) => v !== option.value))
            }
          />
        ))}
      </div>
    </Fieldset>
  );
}

/** A single "I agree" style checkbox with its own error. */
export function SingleCheckbox({
  id,
  label,
  checked,
  onChange,
  error,
}: {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string | undefined;
}) {
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      {error && errorId ? <ErrorMessage id={errorId}>{error}</ErrorMessage> : null}
      <div className="choice choice--checkbox">
        <input
          className="choice__input"
          type="checkbox"
          id={id}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={errorId}
          aria-invalid={error ? true : undefined}
        />
        <label className="choice__label" htmlFor={id}>
          {label}
        </label>
      </div>
    </div>
  );
}

/**
 * An email address field: type email, no spell check; `mobile` also asks phones for the email
 * keyboard without capitals (the sign-in and account pages do).
 */
export function EmailInput({
  id = 'email',
  onValue,
  mobile = false,
  ...props
}: Omit<TextInputProps, 'id' | 'onChange' | 'value'> & {
  id?: string;
  value: string;
  onValue: (value: string) => void;
  mobile?: boolean;
}) {
  return (
    <TextInput
      id={id}
      name="email"
      type="email"
      autoComplete="email"
      {...props}
      onChange={(e) => onValue(e.target.value)}
      {...(mobile ? { inputMode: 'email' as const, autoCapitalize: 'none' } : {})}
      spellCheck={false}
    />
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The one check of a typed email address (trimmed): empty, not an address, or null when fine.
 * `keys` are the page's own messages for the first two.
 */
export function emailProblem(
  value: string,
  id: string,
  keys: { required: string | null; format: string },
): { id: string; key: string } | null {
  if (!value) return keys.required ? { id, key: keys.required } : null;
  if (!EMAIL.test(value) || value.length > 254) return { id, key: keys.format };
  return null;
}

/**
 * The radios of a question page (GOV.UK): the question is the legend and the page's only heading.
 * `name` defaults to the id.
 */
export function QuestionRadios({
  id,
  name,
  question,
  ...props
}: Omit<ChoicesProps, 'idBase' | 'name' | 'legend' | 'legendIsHeading'> & {
  id: string;
  name?: string;
  question: ReactNode;
  value: string | null;
  onChange: (value: string) => void;
}) {
  return <Radios idBase={id} name={name ?? id} legend={question} legendIsHeading {...props} />;
}
