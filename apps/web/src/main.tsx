import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadSettings, toProblem } from './api/client';
import { App } from './App';
import { SessionProvider } from './context';
import { completeOidcLogin, storedToken, storeToken } from './auth/session';
import './styles.css';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  let settings;
  try {
    settings = await loadSettings();
  } catch (error) {
    const p = toProblem(error);
    root.render(
      <main className="login">
        <h1>cml-labs console</h1>
        <p className="alert alert-error" role="alert">
          Could not load /web-config.json: {p.title} {p.detail ?? ''}
        </p>
      </main>,
    );
    return;
  }
  let token = storedToken();
  let loginError: string | null = null;
  try {
    const fresh = await completeOidcLogin(settings.auth);
    if (fresh) {
      token = fresh;
      storeToken(fresh);
    }
  } catch (error) {
    loginError = (error as Error).message;
  }
  root.render(
    <StrictMode>
      <SessionProvider settings={settings} initialToken={token}>
        {loginError ? (
          <p className="alert alert-error" role="alert">
            {loginError}
          </p>
        ) : null}
        <App />
      </SessionProvider>
    </StrictMode>,
  );
}

void start();
