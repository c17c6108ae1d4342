import { Fragment } from 'react';

/**
 * An email address that may wrap on a narrow screen: only after the "@" and before each ".", never
 * in the middle of a word.
 */
export function Email({ address }: { address: string }) {
  const parts = address.split(/(?=[.@])/);
  return (
    <span className="email">
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one address never move
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {p}
        </Fragment>
      ))}
    </span>
  );
}
