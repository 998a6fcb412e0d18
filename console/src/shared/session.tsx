import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { whenSignedOut } from '../api/client.ts';
import { announceSession, hasSignedInHint, SESSION_EVENT, useMe } from '../api/session.ts';
import type { Application, Me, Permission } from '../api/types.ts';

interface Session {
  me: Me;
  app: Application;
  appId: string;
  selectApp(appId: string): void;
  can(permission: Permission): boolean;
}

const SessionContext = createContext<Session | null>(null);
const SELECTED_APP = 'roster.app';

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

interface Props {
  signedOut: ReactNode;
  loading: ReactNode;
  failed(error: unknown, retry: () => void): ReactNode;
  children: ReactNode;
}

/** Renders `signedOut` until an operator is signed in, then its children with the session in context. */
export function SessionProvider({ signedOut, loading, failed, children }: Props) {
  const queryClient = useQueryClient();
  const [hinted, setHinted] = useState(hasSignedInHint);
  const me = useMe(hinted);
  const [selectedAppId, setSelectedAppId] = useState(() => localStorage.getItem(SELECTED_APP));

  useEffect(() => {
    whenSignedOut(() => {
      announceSession(false);
      queryClient.clear();
    });
  }, [queryClient]);

  // Another tab signing in or out changes localStorage; this tab announces its own changes.
  useEffect(() => {
    const sync = () => setHinted(hasSignedInHint());
    window.addEventListener(SESSION_EVENT, sync);
    window.addEventListener('storage', sync);
    return () => {
      window.removeEventListener(SESSION_EVENT, sync);
      window.removeEventListener('storage', sync);
    };
  }, []);

  const selectApp = useCallback((appId: string) => {
    localStorage.setItem(SELECTED_APP, appId);
    setSelectedAppId(appId);
  }, []);

  const session = useMemo<Session | null>(() => {
    if (!me.data || me.data.applications.length === 0) return null;
    const app = me.data.applications.find((candidate) => candidate.id === selectedAppId) ?? me.data.applications[0];
    const permissions = new Set(me.data.permissions);
    return { me: me.data, app, appId: app.id, selectApp, can: (permission) => permissions.has(permission) };
  }, [me.data, selectedAppId, selectApp]);

  if (!hinted) return <>{signedOut}</>;
  if (me.isPending) return <>{loading}</>;
  if (me.isError) return <>{failed(me.error, () => void me.refetch())}</>;
  if (!session) return <>{failed(new Error('Your organization has no application yet. Ask an owner to create one.'), () => void me.refetch())}</>;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
