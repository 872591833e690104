import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { messageWords } from '../../../shared/i18n';
import type { ConsentAnswer } from '../../../shared/ipc';
import { useBridge } from '../../bridge';
import { useT } from '../../i18n';
import type { ConsentPrompt as Prompt } from '../../state/types';
import { toolName } from '../../state/toolWords';
import './tools.css';

interface Props {
  /** Open questions, oldest first: the first is shown. */
  prompts: readonly Prompt[];
  /** Main said the question was no longer open: close it without waiting for `consent.settled`. */
  onClosed: (id: string) => void;
}

/** How often the countdown is redrawn (ms). */
const TICK_MS = 250;

/**
 * May this tool run with these arguments? A modal question over the window: what the tool would do
 * in the user's language, the arguments as they are, Deny / Always allow / Allow and the seconds
 * left before silence counts as Deny (the engine's timer decides; this only shows it). Deny has
 * the focus (an Enter typed into the window by accident refuses), Esc denies, Tab stays inside,
 * and the focus goes back where it was when the question closes (on `consent.settled`).
 */
export function ConsentPrompt({ prompts, onClosed }: Props) {
  const prompt = prompts[0];
  // When each question arrived: its countdown runs from then, also while an older one is shown.
  const arrivals = useRef(new Map<string, number>());
  const now = useNow(prompt !== undefined);
  for (const p of prompts) if (!arrivals.current.has(p.id)) arrivals.current.set(p.id, Date.now());
  useEffect(() => {
    for (const id of arrivals.current.keys()) if (!prompts.some((p) => p.id === id)) arrivals.current.delete(id);
  }, [prompts]);

  // The focus before the first question opened, given back when the last one closes.
  const before = useRef<HTMLElement | null>(null);
  const open = prompt !== undefined;
  useLayoutEffect(() => {
    if (!open) return;
    before.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      const element = before.current;
      before.current = null;
      if (element?.isConnected) element.focus();
    };
  }, [open]);

  if (!prompt) return null;
  const deadline = (arrivals.current.get(prompt.id) ?? now) + prompt.timeoutMs;
  return <Question key={prompt.id} prompt={prompt} leftMs={Math.max(0, deadline - now)} queued={prompts.length - 1} onClosed={onClosed} />;
}

/** The clock, redrawn every TICK_MS while `running`. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

function Question({ prompt, leftMs, queued, onClosed }: { prompt: Prompt; leftMs: number; queued: number; onClosed: (id: string) => void }) {
  const bridge = useBridge();
  const t = useT();
  const titleId = useId();
  const whatId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const deny = useRef<HTMLButtonElement>(null);
  const [sent, setSent] = useState<ConsentAnswer | null>(null);
  const [failed, setFailed] = useState(false);

  // After the layout effects: the prompt has noted where the focus was before taking it.
  useEffect(() => {
    deny.current?.focus();
  }, []);

  const answer = async (choice: ConsentAnswer) => {
    if (sent) return;
    setSent(choice);
    setFailed(false);
    try {
      const { accepted } = await bridge.answerConsent(prompt.id, choice);
      // Answered elsewhere or timed out meanwhile: the question is over either way.
      if (!accepted) onClosed(prompt.id);
    } catch {
      setSent(null);
      setFailed(true);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      // Handled here: the window's Esc (interrupt) does not also see it.
      event.preventDefault();
      event.stopPropagation();
      void answer('deny');
    } else if (event.key === 'Tab') {
      const buttons = [...(dialog.current?.querySelectorAll<HTMLElement>('button:not(:disabled), summary') ?? [])];
      if (buttons.length === 0) return;
      const index = buttons.indexOf(document.activeElement as HTMLElement);
      const next = event.shiftKey ? (index <= 0 ? buttons.length - 1 : index - 1) : index === buttons.length - 1 ? 0 : index + 1;
      event.preventDefault();
      buttons[next]!.focus();
    }
  };

  const name = toolName(t, prompt.tool);
  const seconds = Math.ceil(leftMs / 1000);
  return (
    <div className="consent-backdrop">
      <div ref={dialog} className="consent" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={whatId} onKeyDown={onKeyDown} data-consent-id={prompt.id}>
        <h2 id={titleId}>{t('tools.consent.title', { tool: name })}</h2>
        <p id={whatId} className="consent-what">
          {messageWords(t, prompt.said)}
        </p>
        {prompt.arguments.trim() !== '' && (
          <details className="consent-arguments" open>
            <summary>{t('tools.consent.arguments')}</summary>
            <pre>{prompt.arguments}</pre>
          </details>
        )}
        <div className="consent-countdown">
          <progress max={prompt.timeoutMs} value={leftMs} aria-hidden="true" />
          <span>{seconds > 0 ? t('tools.consent.countdown', { count: seconds }) : t('tools.consent.expired')}</span>
        </div>
        {queued > 0 && <p className="consent-queued">{t('tools.consent.queued', { count: queued })}</p>}
        {failed && (
          <p className="field-error" role="alert">
            {t('tools.consent.failed')}
          </p>
        )}
        <div className="consent-actions">
          <button ref={deny} type="button" className="secondary" aria-keyshortcuts="Escape" disabled={sent !== null} onClick={() => void answer('deny')}>
            {t('tools.consent.deny')}
          </button>
          <button type="button" className="secondary" disabled={sent !== null} onClick={() => void answer('allow-always')}>
            {t('tools.consent.allowAlways')}
          </button>
          <button type="button" className="primary" disabled={sent !== null} onClick={() => void answer('allow')}>
            {t('tools.consent.allow')}
          </button>
        </div>
      </div>
    </div>
  );
}
