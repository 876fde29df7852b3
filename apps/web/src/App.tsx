import { useEffect, useRef } from 'react';
import { useHashRoute, useSession } from './context';
import { AuditPage } from './pages/AuditPage';
import { BulkDeletePage } from './pages/BulkDeletePage';
import { LabsPage } from './pages/LabsPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { OutboxPage } from './pages/OutboxPage';
import { ReconciliationsPage } from './pages/ReconciliationsPage';
import { WorkersPage } from './pages/WorkersPage';
import { LoginPage } from './pages/LoginPage';

export function App() {
  const session = useSession();
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);

  // After navigation, move focus to the new page's heading so screen readers announce it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => main.current?.querySelector<HTMLElement>('h1')?.focus(), 0);
    return () => clearTimeout(t);
  }, [route]);

  if (!session.settings.authDisabled && !session.token) {
    return (
      <LoginPage settings={session.settings} onToken={session.setToken} error={session.signedOutReason} />
    );
  }

  const nav: [string, string, boolean][] = [
    ['#/workers', 'Workers', route.name === 'workers' || route.name === 'labs'],
    ['#/reconciliations', 'Reconciliations', route.name === 'reconciliations'],
    ['#/audit', 'Audit trail', route.name === 'audit'],
  ];
  if (session.can('operator')) {
    nav.push(['#/bulk-delete', 'Bulk delete', route.name === 'bulk-delete']);
    nav.push(['#/notifications', 'Notifications', route.name === 'notifications']);
  }
  if (session.can('admin')) nav.push(['#/outbox', 'Outbox', route.name === 'outbox']);

  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.querySelector<HTMLElement>('h1')?.focus();
        }}
      >
        Skip to content
      </a>
      {session.settings.authDisabled ? (
        <div className="banner" role="note">
          <strong>Authentication is disabled (AUTH_DISABLED=true).</strong> Anyone who can reach this service
          acts as admin. Demo use only.
        </div>
      ) : null}
      <header className="topbar">
        <span className="brand">cml-labs</span>
        <nav aria-label="Main">
          <ul>
            {nav.map(([href, label, active]) => (
              <li key={href}>
                <a href={href} aria-current={active ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {session.settings.authDisabled ? (
            <span className="muted small">admin (no auth)</span>
          ) : (
            <>
              <span className="muted small">{session.roles.join(', ') || 'no role'}</span>
              <button type="button" onClick={() => session.setToken(null)}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" ref={main}>
        {route.name === 'workers' ? <WorkersPage /> : null}
        {route.name === 'labs' ? <LabsPage key={route.workerId} workerId={route.workerId} /> : null}
        {route.name === 'reconciliations' ? <ReconciliationsPage /> : null}
        {route.name === 'audit' ? <AuditPage key={`${route.workerId}:${route.labId}`} {...route} /> : null}
        {route.name === 'outbox' ? <OutboxPage /> : null}
        {route.name === 'notifications' ? <NotificationsPage /> : null}
        {route.name === 'bulk-delete' ? <BulkDeletePage /> : null}
      </main>
    </>
  );
}
