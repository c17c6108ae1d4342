import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * A native modal <dialog>, opened and closed with `open`; Escape calls `onCancel` instead of
 * closing behind the page's back. `onOpen` runs each time it opens (to reset a form).
 */
export function ModalDialog({
  open,
  idBase,
  className = 'timeout-dialog',
  onCancel,
  onOpen,
  children,
}: {
  open: boolean;
  /** `${idBase}-title` and `${idBase}-body` label and describe the dialog. */
  idBase: string;
  className?: string;
  onCancel: () => void;
  onOpen?: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opened = useRef(onOpen);
  opened.current = onOpen;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opened.current?.();
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={`${idBase}-title`}
      aria-describedby={`${idBase}-body`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      {open ? children : null}
    </dialog>
  );
}

const WARN_BEFORE_MS = 2 * 60 * 1000;

/**
 * WCAG 2.2.1: counts down to `endsAt` (ms since the epoch); opens two minutes before, unless the
 * payer already answered for this end; closes when the session is extended; calls `onEnded` at 0.
 */
export function useSessionCountdown(endsAt: number | null, onEnded: () => void) {
  const [open, setOpen] = useState(false);
  const [remaining, setRemaining] = useState(0);
  const dismissedFor = useRef<number | null>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  useEffect(() => {
    if (endsAt === null) {
      setOpen(false);
      return;
    }
    const tick = () => {
      const left = endsAt - Date.now();
      setRemaining(left);
      if (left <= 0) {
        setOpen(false);
        ended.current();
      } else if (left <= WARN_BEFORE_MS && dismissedFor.current !== endsAt) {
        setOpen(true);
      } else if (left > WARN_BEFORE_MS) {
        // The session was extended (e.g. by another tab or a refresh).
        setOpen(false);
      }
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [endsAt]);

  return {
    open,
    setOpen,
    /** Whole minutes left, at least 1, for "Your session will end in 2 minutes". */
    minutes: Math.max(1, Math.ceil(remaining / 60000)),
    /** Within the warning window of `at` (e.g. a fixed limit no refresh can move). */
    isNear: (at: number) => at - Date.now() <= WARN_BEFORE_MS,
    /** The payer answered for this end: do not ask again until it moves. */
    dismiss: () => {
      dismissedFor.current = endsAt;
    },
  };
}
