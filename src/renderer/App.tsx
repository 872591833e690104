import { useEffect, useState } from 'react';
import type { PushChannels } from '../shared/ipc';
import { useBridge } from './bridge';
import { History } from './components/History';
import { InterruptButton, useEscapeKey } from './components/InterruptButton';
import { Pulse } from './components/Pulse';
import { Settings } from './components/Settings';
import { StatusBar, TalkControls } from './components/StatusBar';
import { Transcript } from './components/Transcript';
import { UpdateBar } from './components/UpdateBar';
import { ConsentPrompt } from './components/tools/ConsentPrompt';
import { ConversationInput, DropOverlay } from './components/input/ConversationInput';
import { SharingIndicator } from './components/input/SharingIndicator';
import { usePictureInput } from './components/input/usePictureInput';
import { LanguageProvider, useT, windowLanguage } from './i18n';
import { useKaiwa, type Kaiwa } from './state/useKaiwa';
import { describeError, describeState, stateHint } from './state/words';
import type { MessageKey } from '../shared/i18n';

type View = PushChannels['app:navigate'];

const TABS: { view: View; label: MessageKey }[] = [
  { view: 'conversation', label: 'nav.conversation' },
  { view: 'history', label: 'nav.history' },
  { view: 'settings', label: 'nav.settings' },
];

/** One page for both windows: the main window, and the compact quick-talk window (`?view=quick`). */
export function App({ quick = false }: { quick?: boolean }) {
  const bridge = useBridge();
  const kaiwa = useKaiwa(bridge);
  useEscapeKey(kaiwa.ui.state, quick);
  return (
    <LanguageProvider language={windowLanguage(kaiwa.settings)}>
      {quick ? <QuickTalk kaiwa={kaiwa} /> : <MainWindow kaiwa={kaiwa} />}
    </LanguageProvider>
  );
}

function MainWindow({ kaiwa }: { kaiwa: Kaiwa }) {
  const bridge = useBridge();
  const t = useT();
  const [view, setView] = useState<View>('conversation');
  useEffect(() => bridge.onNavigate((next) => setView(next)), [bridge]);

  const { ui } = kaiwa;
  const manualTurns = kaiwa.settings?.settings.turnDetection.mode === 'manual';
  const pictures = usePictureInput();
  return (
    <div className="app" data-state={ui.state}>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')}
        </div>
        <nav className="tabs" role="tablist" aria-label={t('nav.views')}>
          {TABS.map((tab) => (
            <button key={tab.view} type="button" role="tab" aria-selected={view === tab.view} className="tab" onClick={() => setView(tab.view)}>
              {t(tab.label)}
            </button>
          ))}
        </nav>
        <SharingIndicator share={kaiwa.share} />
      </header>
      <main className={`view view-${view}`}>
        {view === 'conversation' && (
          <div className="conversation">
            <section className="stage" aria-label={t('conversation.assistant')}>
              <div className="pulse-frame">
                <Pulse state={ui.state} levels={kaiwa.levels} />
              </div>
              <div className="state-label">
                <h1>{describeState(t, ui.state, ui.attempt)}</h1>
                <p>{stateHint(t, ui.state, manualTurns)}</p>
              </div>
              <div className="controls">
                <InterruptButton state={ui.state} />
                <TalkControls state={ui.state} muted={kaiwa.muted} manualTurns={manualTurns} onMute={kaiwa.setMuted} />
              </div>
            </section>
            <section className="talk-log" aria-label={t('conversation.transcript')} {...pictures.dropTarget}>
              <Transcript turns={ui.turns} />
              <ConversationInput kaiwa={kaiwa} pictures={pictures} />
              {pictures.dragging && <DropOverlay />}
            </section>
          </div>
        )}
        {view === 'settings' && <Settings view={kaiwa.settings} onViewChange={kaiwa.setSettings} />}
        {view === 'history' && <History />}
      </main>
      <StatusBar
        ui={ui}
        muted={kaiwa.muted}
        protocol={kaiwa.settings?.protocol}
        onDismissError={() => kaiwa.dispatch({ type: 'dismiss-error' })}
        onDismissNotice={(id) => kaiwa.dispatch({ type: 'dismiss-notice', id })}
        onOpenSettings={() => setView('settings')}
      >
        <UpdateBar />
      </StatusBar>
      <ConsentPrompt prompts={ui.consent} onClosed={(id) => kaiwa.dispatch({ type: 'consent-closed', id })} />
    </div>
  );
}

/** The quick-talk window: pulse, state, the interrupt button and a line to type in; Esc hides it when nothing plays. */
function QuickTalk({ kaiwa }: { kaiwa: Kaiwa }) {
  const t = useT();
  const { ui } = kaiwa;
  const pictures = usePictureInput();
  return (
    <div className="quick-frame" {...pictures.dropTarget}>
    <div className="quick" data-state={ui.state}>
      <div className="quick-pulse">
        <Pulse state={ui.state} levels={kaiwa.levels} />
      </div>
      <div className="quick-side">
        <div className="quick-state" role="status">
          {describeState(t, ui.state, ui.attempt)}
        </div>
        {ui.error ? (
          <div className="quick-error" role="alert">{describeError(t, ui.error.code)}</div>
        ) : (
          <div className="quick-hint">{ui.state === 'speaking' ? t('quick.escInterrupt') : t('quick.escClose')}</div>
        )}
        <InterruptButton state={ui.state} compact />
      </div>
    </div>
    <div className="quick-input">
      <SharingIndicator share={kaiwa.share} compact />
      <ConversationInput kaiwa={kaiwa} pictures={pictures} compact />
    </div>
    {pictures.dragging && <DropOverlay />}
    </div>
  );
}
