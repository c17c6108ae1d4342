import type { ButtonHTMLAttributes } from 'react';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'warning' | 'link';
  /** Shows a spinner-free busy state: the button stays in place, is disabled and says so. */
  busy?: boolean;
}

export function Button({
  variant = 'primary',
  busy = false,
  className,
  type,
  disabled,
  children,
  ...rest
}: ButtonProps) {
  const classes = ['button', `button--${variant}`, className].filter(Boolean).join(' ');
  return (
    <button
      {...rest}
      type={type ?? 'submit'}
      className={classes}
      disabled={disabled || busy}
      aria-disabled={disabled || busy ? true : undefined}
    >
      {children}
    </button>
  );
}
