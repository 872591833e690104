// React Fast Refresh's preamble as a module: in dev, plugin-react's inline preamble script is blocked
// by our CSP (script-src 'self'); in a build this import is empty.
import '@vitejs/plugin-react/preamble';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { BridgeProvider } from './bridge';
import { LanguageProvider, useT, windowLanguage } from './i18n';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
// The quick-talk window loads this page with `#quick-talk` (main's windows.ts) or `?view=quick`.
const quick = location.hash === '#quick-talk' || new URLSearchParams(location.search).get('view') === 'quick';
document.documentElement.classList.toggle('quick-window', quick);

if (window.kaiwa) {
  root.render(
    <StrictMode>
      <BridgeProvider bridge={window.kaiwa}>
        <App quick={quick} />
      </BridgeProvider>
    </StrictMode>,
  );
} else {
  // Opened outside Kaiwa's window (no preload): say so instead of a blank page.
  root.render(
    <LanguageProvider language={windowLanguage(null)}>
      <NoBridge />
    </LanguageProvider>,
  );
}

function NoBridge() {
  return <p className="no-bridge">{useT()('app.noBridge')}</p>;
}
